#!/bin/sh
# Faults the hardening audit found in the CLI.  File names from the input
# are escaped in messages: a capture and a log whose names carry an escape
# sequence, a newline and a byte that is not UTF-8 are named escaped, and no
# raw control byte reaches the terminal.  A capture stamped at time 0 (as
# tcpdump's test captures are) goes through `vnfo simulate`: a node clock
# running behind used to wrap below 0, and the heartbeats never ended.
. "${top_srcdir:-..}/tests/cli_lib.sh"

esc=$(printf '\033')
name=$(printf 'a\033[31m\nb\377')
shown='a\u001b[31m\u000ab\xff'
"$vnfo" keygen --out "$tmp/fw" >/dev/null 2>&1 || "$vnfo" keygen "$tmp/fw" >/dev/null 2>&1 ||
    { echo "FAIL: keygen"; exit 1; }
printf 'vnfo-sampling-key:%064d\n' 0 >"$tmp/s.key"; chmod 600 "$tmp/s.key"

# no_raw_controls FILE: no escape byte and no line that is only part of a name
no_raw_controls() {
    if grep -q "$esc" "$1"; then echo "FAIL: raw ESC in $1"; cat -A "$1"; fails=$((fails + 1)); fi
}

printf 'not a capture at all' >"$tmp/$name.pcap"
expect 3 "sample on a garbage capture with a hostile name" \
    "$vnfo" sample --pcap "$tmp/$name.pcap" --key-file "$tmp/s.key"
contains "$tmp/err" "$tmp/$shown.pcap: cannot read capture: unknown file format"
no_raw_controls "$tmp/err"

expect 3 "sample on a missing capture with a hostile name" \
    "$vnfo" sample --pcap "$tmp/missing-$name.pcap" --key-file "$tmp/s.key"
contains "$tmp/err" "$tmp/missing-$shown.pcap: No such file or directory"
no_raw_controls "$tmp/err"

printf 'xx' >"$tmp/$name.log"
expect 1 "log verify of a truncated log with a hostile name" \
    "$vnfo" log verify --pub "$tmp/fw.pub" "$tmp/$name.log"
contains "$tmp/out" "$tmp/$shown.log:0: batch 0: VNFO_E_LOG_TRUNCATED"
no_raw_controls "$tmp/out"
no_raw_controls "$tmp/err"

expect 1 "log dump of a truncated log with a hostile name" "$vnfo" log dump "$tmp/$name.log"
contains "$tmp/err" "$tmp/$shown.log:0: batch 0: VNFO_E_LOG_TRUNCATED"
contains "$tmp/out" "# $tmp/$shown.log:0: batch 0 (unverified)"
no_raw_controls "$tmp/out"
no_raw_controls "$tmp/err"
# simulate over frames stamped 0: done at once, small logs (it used to write
# heartbeats until the disk was full)
"$vnfo" demo --dir "$tmp/D" >"$tmp/demo.out" 2>&1 || { echo "FAIL: demo"; cat "$tmp/demo.out"; exit 1; }
expect 0 "simulate on a capture stamped at time 0" timeout 120 \
    "$vnfo" simulate --manifest "$tmp/D/manifest.json" --pcap "$top_srcdir/tests/corpus/capture/zero-time.pcap" \
    --keys "$tmp/D/keys" --out "$tmp/zero"
contains "$tmp/out" "simulated honest: 6 packets, 5 entered the chain"
size=$(cat "$tmp/zero"/*.log | wc -c)
if [ "$size" -gt 65536 ]; then echo "FAIL: $size bytes of logs for 4 packets"; fails=$((fails + 1)); fi
for n in fw nat ids; do
    expect 0 "log verify $n.log of the zero-time run" "$vnfo" log verify --pub "$tmp/D/keys/$n.pub" "$tmp/zero/$n.log"
done
# simulate over a capture silent for 200000 s: refused at once with the
# heartbeat limit (it used to sign 200000 heartbeats per node)
expect 3 "simulate on a capture silent for 200000 s" timeout 120 \
    "$vnfo" simulate --manifest "$tmp/D/manifest.json" --pcap "$top_srcdir/tests/corpus/capture/silent-200000s.pcap" \
    --keys "$tmp/D/keys" --out "$tmp/gap"
contains "$tmp/err" "vnfo: simulate: the capture is silent for 200000 s before frame 2: at one heartbeat per 1000 ms that is more than 100000 heartbeats per node"

# Names from the command line in output and messages, escaped (audit 4):
# the public key's path that `vnfo log verify` prints, an account input file,
# simulate's output folder, tap's log, an unknown option or scenario.
cp "$tmp/D/keys/fw.pub" "$tmp/$name.pub"
expect 0 "log verify names a hostile key path escaped" \
    "$vnfo" log verify --pub "$tmp/$name.pub" "$tmp/zero/fw.log"
contains "$tmp/out" "($tmp/$shown.pub)"
no_raw_controls "$tmp/out"
printf '1\nx\n' >"$tmp/$name.values"
expect 3 "account names a hostile input file escaped" \
    "$vnfo" account quantile --q 0.5 --billed 1 "$tmp/$name.values"
contains "$tmp/err" "vnfo account: $tmp/$shown.values:2: "
no_raw_controls "$tmp/err"
printf '1 2\nx\n' >"$tmp/$name.pairs"
expect 3 "account minimality names a hostile input file escaped" \
    "$vnfo" account minimality "$tmp/$name.pairs"
contains "$tmp/err" "vnfo account: $tmp/$shown.pairs:2: "
no_raw_controls "$tmp/err"
expect 0 "simulate names a hostile output folder escaped" timeout 120 \
    "$vnfo" simulate --manifest "$tmp/D/manifest.json" --pcap "$top_srcdir/tests/corpus/capture/zero-time.pcap" \
    --keys "$tmp/D/keys" --out "$tmp/$name.out"
contains "$tmp/out" "logs and bill in $tmp/$shown.out"
no_raw_controls "$tmp/out"
expect 0 "tap names a hostile log escaped" "$vnfo" tap --manifest "$tmp/D/manifest.json" --node fw \
    --key "$tmp/D/keys/fw.key" --sampling-key "$tmp/D/keys/sampling.key" --out "$tmp/$name.tap" \
    --ingress-pcap "$tmp/D/capture.pcap" --egress-pcap "$tmp/D/capture.pcap"
contains "$tmp/out" "log $tmp/$shown.tap"
no_raw_controls "$tmp/out"
expect 64 "simulate names a hostile scenario escaped" \
    "$vnfo" simulate --manifest "$tmp/D/manifest.json" --pcap "$tmp/D/capture.pcap" --keys "$tmp/D/keys" \
    --out "$tmp/x" --misbehave "$name"
contains "$tmp/err" "unknown scenario \"$shown\""
no_raw_controls "$tmp/err"
expect 64 "log names a hostile option escaped" "$vnfo" log verify --pub "$tmp/fw.pub" "--$name"
no_raw_controls "$tmp/err"
expect 3 "verify names a hostile --acl escaped" "$vnfo" verify --manifest "$tmp/D/manifest.json" \
    --logs "$tmp/D/honest" --bill "$tmp/D/honest/bill.json" --reference firewall --acl "$tmp/$name.acl"
contains "$tmp/err" "--acl: $tmp/$shown.acl: No such file or directory"
no_raw_controls "$tmp/err"
# Account input is read by line length, not as C strings (audit 4): a NUL
# byte used to end its line, so "1\n24<NUL>..." read as 1 and 24 and the
# rest was lost silently; a '\r' inside a line cut it the same way.
printf '1\n24\000999\n3\n' >"$tmp/nul.values"
for sub in "quantile --q 0.5 --billed 1" "total --billed 1 --p 1/2" "perf --metric mean --reference 1 --slack-abs 1" \
           "quantile --q 0.5 --billed 1 --clusters"; do
    expect 3 "account $sub: a NUL byte in the input" "$vnfo" account $sub "$tmp/nul.values"
    contains "$tmp/err" "vnfo account: $tmp/nul.values:2:3: NUL byte in a text file"
done
printf '1 1\n24\000 9\n' >"$tmp/nul.pairs"
expect 3 "account minimality: a NUL byte in the input" "$vnfo" account minimality "$tmp/nul.pairs"
contains "$tmp/err" "vnfo account: $tmp/nul.pairs:2:3: NUL byte in a text file"
printf '5\r\n7\r8\n' >"$tmp/cr.values"
expect 3 "account: a carriage return inside a line" "$vnfo" account quantile --q 0.5 --billed 1 "$tmp/cr.values"
contains "$tmp/err" "vnfo account: $tmp/cr.values:2: value \"7\\u000d8\""

cli_finish
