#!/bin/sh
# The CLI escapes file names from the input in its messages (hardening
# audit): a capture, a log file and a key whose names carry an escape
# sequence, a newline and a byte that is not UTF-8 are named escaped, and no
# raw control byte reaches the terminal.
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
cli_finish
