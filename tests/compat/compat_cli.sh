#!/bin/sh
# Every artefact of the frozen 0.1.0 corpus (tests/compat/v0.1.0, made by
# tests/compat/regenerate.sh from the v0.1.0 tag) still reads, verifies and
# is judged as 0.1.0 judged it, through the current `vnfo` tool: reports
# check by check (compat_verdicts, docs/compatibility.md), `vnfo log verify`
# exit codes and summaries, record dumps, inclusion proofs, the FlowTag
# checkpoint, manifest digests and the sampling key commitment.
set -u
. "${top_srcdir:-..}/tests/cli_lib.sh"
vnfo=$(cd "$(dirname "$vnfo")" && pwd)/vnfo # the commands below run in the corpus folder
corpus="$top_srcdir/tests/compat/v0.1.0"
compare="$top_builddir/tests/compat/compat_verdicts"
docs="$top_srcdir/docs/compatibility.md"
[ -x "$compare" ] || { echo "FAIL: no $compare (make check builds it)"; exit 1; }
TAB=$(printf '\t')

# Git keeps no file modes: the secret key files are checked out readable by
# all, and vnfo refuses those.  Work on a private copy.
mkdir "$tmp/keys"
cp "$corpus/keys/"* "$tmp/keys/"
chmod 600 "$tmp/keys/"*.key

# Reports: run as 0.1.0 ran (regenerate.sh), from the corpus folder.
while IFS="$TAB" read -r set manifest; do
    want=$(sed -n 's/^ *"exit_code": \([0-9]*\),*$/\1/p' "$corpus/$set/report.json")
    (cd "$corpus" && "$vnfo" verify --manifest "$manifest" --logs "$set" --bill "$set/bill.json" \
        --key "$tmp/keys/sampling.key" --reference firewall,nat,ids --json) \
        > "$tmp/$set.json" 2> "$tmp/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        echo "FAIL: verify $set: exit $got, 0.1.0 exited $want"; cat "$tmp/err"; fails=$((fails + 1))
    fi
    if "$compare" report "$set" "$corpus/$set/report.json" "$tmp/$set.json" "$docs"; then
        echo "ok: verify $set"
    else
        fails=$((fails + 1))
    fi
done < "$corpus/sets.tsv"

# vnfo log verify: the same exit code and the same summary line per log.
while IFS="$TAB" read -r log pub digest node want summary; do
    set -- --pub "$pub" --node "$node"
    [ "$digest" = - ] || set -- "$@" --manifest-digest "$digest" --from-start
    (cd "$corpus" && "$vnfo" log verify "$@" "$log") > "$tmp/out" 2>&1
    got=$?
    last=$(tail -1 "$tmp/out")
    if [ "$got" -ne "$want" ] || [ "$last" != "$summary" ]; then
        echo "FAIL: log verify $log: exit $got ($want in 0.1.0): $last"
        echo "      0.1.0 said: $summary"; fails=$((fails + 1))
    else
        echo "ok: log verify $log: $summary"
    fi
done < "$corpus/log-verify.tsv"

# Records of every type decode to what 0.1.0 decoded.
(cd "$corpus" && "$vnfo" log dump sha256/node9.log --pub keys/fw.pub --jsonl) > "$tmp/node9.jsonl" 2> "$tmp/err" \
    || { echo "FAIL: log dump sha256/node9.log: $(cat "$tmp/err")"; fails=$((fails + 1)); }
"$compare" jsonl "$corpus/sha256/node9.jsonl" "$tmp/node9.jsonl" || fails=$((fails + 1))

# Inclusion proofs written by 0.1.0 check, naming the same record.
for p in digest/fw-seq5 sha256/node9-seq7; do
    expect 0 "check-proof $p" "$vnfo" log check-proof --pub "$corpus/keys/fw.pub" "$corpus/$p.proof"
    [ "$(head -1 "$tmp/out")" = "$(head -1 "$corpus/$p.check.txt")" ] || {
        echo "FAIL: check-proof $p: $(head -1 "$tmp/out") (0.1.0: $(head -1 "$corpus/$p.check.txt"))"
        fails=$((fails + 1)); }
    tail -n +2 "$tmp/out" > "$tmp/rec.jsonl"; tail -n +2 "$corpus/$p.check.txt" > "$tmp/rec0.jsonl"
    "$compare" jsonl "$tmp/rec0.jsonl" "$tmp/rec.jsonl" || fails=$((fails + 1))
done
# A proof whose record was altered no longer checks (the test can fail).
sed 's/^record: \(..\)/record: ff/' "$corpus/digest/fw-seq5.proof" > "$tmp/bad.proof"
expect 1 "check-proof of an altered record" "$vnfo" log check-proof --pub "$corpus/keys/fw.pub" "$tmp/bad.proof"

# The FlowTag checkpoint reads back with the same options and bindings
# (the memory the table takes is this release's own).
expect 0 "flowtag show" "$vnfo" flowtag show "$corpus/flowtag.checkpoint"
strip_memory() { sed 's/  memory [0-9]* bytes$//' "$1"; }
strip_memory "$corpus/flowtag.show.txt" > "$tmp/show0"
strip_memory "$tmp/out" > "$tmp/show1"
diff "$tmp/show0" "$tmp/show1" > "$tmp/diff" || {
    echo "FAIL: flowtag show differs from 0.1.0's:"; cat "$tmp/diff"; fails=$((fails + 1)); }

# Manifests keep their digests (every 0.1.0 log is bound to one), and the
# sampling key still matches its commitment.
for m in manifest-digest manifest-headers manifest-full manifest-tagged; do
    expect 0 "manifest check $m" "$vnfo" manifest check "$corpus/$m.json" --sampling-key "$tmp/keys/sampling.key"
    contains "$tmp/out" "$(sed -n 's/^digest *blake2b256://p' "$corpus/$m.check.txt")" # the value, whatever its spelling
    contains "$tmp/out" "matches sampling.key_commitment"
done
cli_finish
