#!/bin/sh
# Binary compatibility with behaviour: programs compiled against the 0.1.0
# public headers (tests/compat/include-0.1.0) and linked with the current
# libvnfo run as they ran under 0.1.0.
#   shim010      examples/shim/shim.c of 0.1.0 (tests/compat/src-0.1.0):
#                samples, logs and verifies 1000 packets with fresh random keys
#   verifier010  tests/compat/verifier010.c: reads each log of the frozen
#                corpus into 0.1.0-layout records and runs the verifier; its
#                output under 0.1.0 is frozen in v0.1.0/<set>/verifier010.*
set -u
top_srcdir=${top_srcdir:-..}
top_builddir=${top_builddir:-.}
corpus="$top_srcdir/tests/compat/v0.1.0"
shim="$top_builddir/tests/compat/shim010"
verifier="$top_builddir/tests/compat/verifier010"
compare="$top_builddir/tests/compat/compat_verdicts"
docs="$top_srcdir/docs/compatibility.md"
for p in "$shim" "$verifier" "$compare"; do
    [ -x "$p" ] || { echo "FAIL: no $p (make check builds it)"; exit 1; }
done
verifier=$(cd "$(dirname "$verifier")" && pwd)/verifier010 # runs in the corpus folder
tmp=$(mktemp -d /tmp/vnfo-compat-abi-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
TAB=$(printf '\t')
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# They were compiled against 0.1.0's headers, not the current ones.
grep -q '#define VNFO_VERSION_STRING "0.1.0"' "$top_srcdir/tests/compat/include-0.1.0/vnfo/version.h" \
    || fail "include-0.1.0 is not the 0.1.0 headers"

# The shim: exit 0 and its one line, with every selected record read back.
"$shim" "$tmp/shim.log" > "$tmp/shim.out" 2>&1; rc=$?
line=$(cat "$tmp/shim.out")
selected=$(echo "$line" | sed -n 's/^1000 packets, \([0-9]*\) selected (rate 1\/4), \([0-9]*\) records verified in \([0-9]*\) batches$/\1 \2 \3/p')
if [ "$rc" -ne 0 ] || [ -z "$selected" ]; then
    fail "shim (0.1.0 headers): exit $rc: $line"
else
    set -- $selected
    [ "$1" = "$2" ] && [ "$3" -eq $((($1 + 15) / 16)) ] || fail "shim: $line"
    echo "ok: shim built against 0.1.0 headers: $line"
fi
# Its log is a log of this library: the current vnfo reads every record.
vnfo="$top_builddir/tools/vnfo"
if [ -x "$vnfo" ] && [ -n "$selected" ]; then
    set -- $selected
    n=$("$vnfo" log dump --jsonl "$tmp/shim.log" 2> /dev/null | grep -c '"type":"packet"')
    [ "$n" = "$1" ] || fail "shim log: vnfo log dump reads $n packet records, the shim wrote $1"
fi

# The verifier: the same log readings and the same report as under 0.1.0.
mkdir "$tmp/keys"
cp "$corpus/keys/sampling.key" "$tmp/keys/" # git keeps no modes; key files must be 0600
chmod 600 "$tmp/keys/sampling.key"
while IFS="$TAB" read -r set manifest; do
    rc=0
    (cd "$corpus" && "$verifier" "$manifest" "$set" "$set/bill.json" "$tmp/keys/sampling.key" \
        "$tmp/$set.json") > "$tmp/$set.txt" 2>&1 || rc=$?
    echo "exit $rc" >> "$tmp/$set.txt"
    if ! diff "$corpus/$set/verifier010.txt" "$tmp/$set.txt" > "$tmp/diff"; then
        fail "verifier010 $set: output differs from 0.1.0's:"; cat "$tmp/diff"
    elif ! "$compare" report "verifier010/$set" "$corpus/$set/verifier010.json" "$tmp/$set.json" "$docs"; then
        fail "verifier010 $set: report differs from 0.1.0's"
    else
        echo "ok: verifier010 $set: $(tail -2 "$tmp/$set.txt" | tr '\n' ' ')"
    fi
done < "$corpus/sets.tsv"

[ "$fails" -eq 0 ] || { echo "$fails failures"; exit 1; }
