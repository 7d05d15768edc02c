#!/bin/sh
# The README's `vnfo` commands, run as written: the first ```sh block after
# "The `vnfo` tool" is cut into lines and each line runs, in order, in an
# empty folder with the built vnfo first on PATH.  Every line must exit 0
# (verify over honest logs passes).  Then what the lines promise: the
# manifest digest is spelled blake2b:<hex> and that spelling (and the old
# blake2b256:<hex>) is accepted back, `vnfo log verify` without a digest
# names the digest the log states, every command and subcommand answers
# --help, and `vnfo log dump` lists its options.
set -u
. "${top_srcdir:-..}/tests/cli_lib.sh"
readme="$top_srcdir/README.md"
bin=$(cd "$(dirname "$vnfo")" && pwd)
mkdir "$tmp/run" "$tmp/bin"
ln -s "$bin/vnfo" "$tmp/bin/vnfo"

awk '/^The `vnfo` tool/ { want = 1 } want && /^```sh/ { inside = 1; next }
     inside && /^```/ { exit } inside { print }' "$readme" > "$tmp/commands"
n=$(grep -c '^vnfo ' "$tmp/commands")
[ "$n" -ge 8 ] || { echo "FAIL: found $n README commands"; exit 1; }
while IFS= read -r line; do
    cmd=${line%%#*} # the comment is not part of the command
    (cd "$tmp/run" && PATH="$tmp/bin:$PATH" sh -c "$cmd") >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "FAIL: README line exits $rc: $line"; tail -n 5 "$tmp/out" "$tmp/err"; fails=$((fails + 1))
    else
        echo "ok: $line"
    fi
    cp "$tmp/out" "$tmp/last.out"; cp "$tmp/err" "$tmp/last.err"
    case $line in
    *"manifest check"*) cp "$tmp/out" "$tmp/check.out" ;;
    "vnfo log verify --pub D/keys/fw.pub LOGS/fw.log"*) cp "$tmp/out" "$tmp/logverify.out" ;;
    esac
done < "$tmp/commands"
[ -d "$tmp/run/LOGS" ] || { echo "FAIL: simulate --out did not create LOGS"; fails=$((fails + 1)); }

# one spelling of a digest, accepted back in both spellings
r=$tmp/run
digest=$(awk '/^digest/ { print $2 }' "$tmp/check.out")
case $digest in
blake2b:????????????????????????????????????????????????????????????????) echo "ok: digest $digest" ;;
*) echo "FAIL: manifest check prints digest '$digest'"; fails=$((fails + 1)) ;;
esac
contains "$tmp/logverify.out" "manifest digest $digest (as the log states"
expect 0 "--manifest-digest blake2b:<hex>" "$vnfo" log verify --pub "$r/D/keys/fw.pub" --manifest-digest "$digest" "$r/LOGS/fw.log"
expect 0 "--manifest-digest blake2b256:<hex>" "$vnfo" log verify --pub "$r/D/keys/fw.pub" --manifest-digest "blake2b256:${digest#blake2b:}" "$r/LOGS/fw.log"
expect 1 "another manifest's digest" "$vnfo" log verify --pub "$r/D/keys/fw.pub" --manifest "$r/D/manifest-tagged.json" "$r/LOGS/fw.log"
contains "$tmp/out" "VNFO_E_LOG_MANIFEST_MISMATCH"
expect 64 "a digest of the wrong length" "$vnfo" log verify --pub "$r/D/keys/fw.pub" --manifest-digest blake2b:00 "$r/LOGS/fw.log"
contains "$tmp/err" "--manifest-digest blake2b:00: expected blake2b:<64 hex digits>"
expect 3 "an unreadable --manifest" "$vnfo" log verify --pub "$r/D/keys/fw.pub" --manifest "$r/nothing.json" "$r/LOGS/fw.log"
contains "$tmp/err" "nothing.json"
# a proof on stdout stays a proof: the digest note goes to stderr
expect 0 "log prove to stdout" "$vnfo" log prove --pub "$r/D/keys/fw.pub" --seq 3 "$r/LOGS/fw.log"
head -1 "$tmp/out" | grep -qx "vnfo-inclusion-proof v1" || { echo "FAIL: proof starts with $(head -1 "$tmp/out")"; fails=$((fails + 1)); }
contains "$tmp/err" "manifest digest $digest (as the log states"
cp "$tmp/out" "$tmp/proof"
expect 0 "check-proof" "$vnfo" log check-proof --pub "$r/D/keys/fw.pub" "$tmp/proof"
# the cheating run is caught (exit 1), by the check the scenario names
expect 1 "verify catches ids-rewrites-payload" "$vnfo" verify --manifest "$r/D/manifest.json" --logs "$r/CHEAT" --bill "$r/CHEAT/bill.json" --reference ids
contains "$tmp/out" "reference.ids"

# every command and subcommand answers --help on stdout with exit 0
for c in demo generate sample keygen log manifest account simulate flowtag verify version \
         "log verify" "log dump" "log prove" "log check-proof" "manifest check" "manifest sign" \
         "manifest verify" "manifest template" "flowtag show" "account total" "account count" \
         "account quantile" "account perf"; do
    # shellcheck disable=SC2086
    expect 0 "vnfo $c --help" "$vnfo" $c --help
    [ -s "$tmp/out" ] || { echo "FAIL: vnfo $c --help printed nothing"; fails=$((fails + 1)); }
done
expect 0 "vnfo log dump --help" "$vnfo" log dump --help
contains "$tmp/out" "vnfo log dump FILE... [--pub NAME.pub] [--manifest M | --manifest-digest D] [--jsonl]"
cli_finish
