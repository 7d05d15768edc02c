#!/bin/sh
# End-to-end test of `vnfo flowtag show` on the committed checkpoint corpus
# (tests/corpus/flowtag: busy-w24 is a 10-slot, 24-bit table of node 3).
set -u
. "${top_srcdir:-..}/tests/cli_lib.sh"
corpus="$top_srcdir/tests/corpus/flowtag"

expect 0 "show a checkpoint" "$vnfo" flowtag show "$corpus/busy-w24"
contains "$tmp/out" "node 3  width 24 bits  capacity 10  live 5  ipv6 0/4  idle timeout 50"
contains "$tmp/out" "tag 8  spi 7  epoch 1  last 70  10.0.0.7:7 > 192.0.0.0:80 proto 6  ->  10.0.0.107:107 > 192.0.0.0:80 proto 6"
[ "$(grep -c '^tag ' "$tmp/out")" -eq 5 ] || { echo "FAIL: expected 5 bindings"; fails=$((fails + 1)); }

expect 0 "resolve a bound tag" "$vnfo" flowtag show "$corpus/busy-w24" --tag 0x12
contains "$tmp/out" "tag 18  spi 7  epoch 2  last 120  10.0.0.23:23"
expect 1 "an unbound tag fails" "$vnfo" flowtag show "$corpus/busy-w24" --tag 8 --tag 99
contains "$tmp/out" "tag 99  not bound"

expect 3 "a hostile checkpoint is refused with its place" "$vnfo" flowtag show "$corpus/hostile-dupslot"
contains "$tmp/err" "VNFO_E_FLOWTAG_FORMAT: flowtag table: byte 15: free slot: slot out of range or listed twice"
expect 3 "a newer format is refused" "$vnfo" flowtag show "$corpus/hostile-version3"
contains "$tmp/err" "VNFO_E_UNSUPPORTED_VERSION"
expect 3 "a missing file" "$vnfo" flowtag show "$tmp/none"
expect 64 "a bad tag is a usage error" "$vnfo" flowtag show "$corpus/busy-w24" --tag abc
contains "$tmp/err" "--tag abc: not a 32-bit number"
expect 64 "no subcommand" "$vnfo" flowtag
expect 0 "help" "$vnfo" flowtag --help
contains "$tmp/out" "usage: vnfo flowtag show FILE"

echo "all flowtag CLI checks run"
cli_finish
