#!/bin/sh
# The `vnfo account` command: verdicts, exit codes and input errors that
# name the file and line.
set -u
builddir=${top_builddir:-.}
vnfo="$builddir/tools/vnfo"
[ -x "$vnfo" ] || { echo "no $vnfo (CLI not built)"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0

# expect CODE PATTERN COMMAND...: exit code CODE and PATTERN in stdout+stderr.
expect() {
    code=$1 pattern=$2; shift 2
    "$@" >"$tmp/out" 2>&1; got=$?
    if [ "$got" -ne "$code" ] || ! grep -q -- "$pattern" "$tmp/out"; then
        echo "FAIL: $* -> exit $got (want $code), output:"; cat "$tmp/out"
        echo "(wanted pattern: $pattern)"; fail=1
    fi
}

seq 1 1000 > "$tmp/values"          # Σx = 500500; with p = 1/10, T̂ = 5005000
printf '# cycles\n10\n\n-5\n' > "$tmp/bad"

expect 0 "verdict      CONSISTENT" "$vnfo" account total --billed 5005000 --p 1/10 "$tmp/values"
expect 0 "method       normal" "$vnfo" account total --billed 5100000 --p 1/10 "$tmp/values"
expect 1 "verdict      OVERCHARGED (billed value above the interval)" \
    "$vnfo" account total --billed 6000000 --p 1/10 "$tmp/values"
expect 1 "verdict      UNDERCHARGED (bill below what the sample alone proves was used)" \
    "$vnfo" account total --billed 400000 --p 1/10 "$tmp/values"
expect 0 "method       bernstein" \
    "$vnfo" account total --billed 5005000 --p 1/10 --method bernstein --max 1000 "$tmp/values"
expect 3 "VNFO_E_ACCOUNT_BOUND" \
    "$vnfo" account total --billed 5005000 --p 1/10 --max 999 "$tmp/values"
expect 3 "VNFO_E_ACCOUNT_PROBABILITY" "$vnfo" account total --billed 5 --p 0/10 "$tmp/values"
expect 3 "$tmp/bad:4: value \"-5\": negative" "$vnfo" account total --billed 5 --p 1/10 "$tmp/bad"
: > "$tmp/empty" # an empty file (a device such as /dev/null is refused: not a regular file)
expect 3 "VNFO_E_ACCOUNT_EMPTY" "$vnfo" account total --billed 5 --p 1/10 "$tmp/empty"
expect 0 "verdict      CONSISTENT" "$vnfo" account count --sampled 1000 --billed 10000 --p 1/10
expect 1 "verdict      OVERCHARGED" "$vnfo" account count --sampled 1000 --billed 12000 --p 1/10
expect 0 "ranks        l = " "$vnfo" account quantile --q 0.95 --billed 950 "$tmp/values"
expect 2 "INCONCLUSIVE" "$vnfo" account quantile --q 0.999 --billed 1000 "$tmp/values"
expect 0 "verdict      PASS" "$vnfo" account perf --metric mean --reference 400 --slack-abs 150 "$tmp/values"
expect 1 "verdict      FAIL" "$vnfo" account perf --metric p99 --reference 800 --slack-rel 0.1 "$tmp/values"
expect 3 "VNFO_E_ACCOUNT_SLACK" "$vnfo" account perf --metric p99 --reference 800 --slack-rel nan "$tmp/values"
expect 64 "is required" "$vnfo" account total --billed 5
expect 64 "unknown check" "$vnfo" account median --billed 5 --p 1/2
expect 64 "above 2^64 - 1" "$vnfo" account total --billed 18446744073709551616 --p 1/2
expect 0 "usage: vnfo account" "$vnfo" account --help
seq 1 100 | expect 0 "n            100" "$vnfo" account perf --metric max --reference 100
exit $fail
