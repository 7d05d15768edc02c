#!/bin/sh
# vnfo generate / sample / demo end to end: determinism, JSONL keys, summary,
# the error for a truncated capture (after every readable packet), exit codes.
set -eu
builddir=${top_builddir:-.}
vnfo="$builddir/tools/vnfo"
[ -x "$vnfo" ] || { echo "no $vnfo (CLI not built)"; exit 77; }
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$vnfo" generate --out "$tmp/a.pcap" --packets 3000 --flows 40 --seed 9
"$vnfo" generate --out "$tmp/b.pcap" --packets 3000 --flows 40 --seed 9
cmp -s "$tmp/a.pcap" "$tmp/b.pcap" || fail "generate is not deterministic"
"$vnfo" generate --out "$tmp/c.pcap" --packets 3000 --flows 40 --seed 10
cmp -s "$tmp/a.pcap" "$tmp/c.pcap" && fail "the seed does not matter"

key=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
"$vnfo" sample --pcap "$tmp/a.pcap" --key $key --rate 1/8 --jsonl > "$tmp/out.jsonl"
python3 - "$tmp/out.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
recs, summary = lines[:-1], lines[-1]
assert len(recs) == 3000, len(recs)
assert [r["frame"] for r in recs] == list(range(1, 3001))
for r in recs:
    assert r["status"] == "ok", r
    for k in ("ip_version", "src", "dst", "proto", "hash", "label", "selected"):
        assert k in r, (k, r)
    assert ("ip_id" in r) == (r["ip_version"] == 4), r
    assert ("sport" in r) and ("dport" in r), r
    assert len(r["hash"]) == 16 and len(r["label"]) == 16, r
    # rate 1/8 is the range [0, 2^61 - 1]: selected exactly when the hash is in it
    assert r["selected"] == (int(r["hash"], 16) < 2**61), r
sel = sum(r["selected"] for r in recs)
assert summary["packets"] == 3000 and summary["parsed"] == 3000, summary
assert summary["selected"] == sel, summary
assert abs(summary["fraction"] - sel / 3000) < 1e-9, summary
assert summary["target_rate"] == 0.125 and summary["probability"] == "1/8", summary
assert summary["complete"] is True
PY

# The same key from a key file gives the same output; a readable key file is refused.
printf 'vnfo-sampling-key:%s\n' $key > "$tmp/k"
chmod 600 "$tmp/k"
"$vnfo" sample --pcap "$tmp/a.pcap" --key-file "$tmp/k" --rate 1/8 --jsonl | cmp -s - "$tmp/out.jsonl" \
    || fail "--key-file and --key disagree"
chmod 644 "$tmp/k"
rc=0; "$vnfo" sample --pcap "$tmp/a.pcap" --key-file "$tmp/k" 2>"$tmp/err" >/dev/null || rc=$?
[ $rc -eq 1 ] || fail "open key file: exit $rc"
grep -q "VNFO_E_KEY_PERMISSIONS" "$tmp/err" || fail "open key file: $(cat "$tmp/err")"

# A capture cut inside a record: every readable packet printed, then the error, exit 3.
size=$(wc -c < "$tmp/a.pcap")
head -c $((size / 2)) "$tmp/a.pcap" > "$tmp/cut.pcap"
rc=0; "$vnfo" sample --pcap "$tmp/cut.pcap" --key $key --jsonl >"$tmp/cut.jsonl" 2>"$tmp/err" || rc=$?
[ $rc -eq 3 ] || fail "cut capture: exit $rc"
n=$(($(wc -l < "$tmp/cut.jsonl") - 1))
grep -q "^vnfo: sample: $tmp/cut.pcap: record $((n + 1)): truncated dump file" "$tmp/err" \
    || fail "cut capture message: $(cat "$tmp/err") (after $n records)"
head -n $n "$tmp/out.jsonl" | sed 's/"selected".*//' > "$tmp/x"
head -n $n "$tmp/cut.jsonl" | sed 's/"selected".*//' > "$tmp/y"
cmp -s "$tmp/x" "$tmp/y" || fail "the readable part of the cut capture differs"
tail -n 1 "$tmp/cut.jsonl" | grep -q '"complete":false' || fail "summary of the cut capture"

# Usage and input errors.
rc=0; "$vnfo" sample --pcap "$tmp/a.pcap" 2>/dev/null || rc=$?; [ $rc -eq 64 ] || fail "no key: $rc"
rc=0; "$vnfo" sample --pcap "$tmp/a.pcap" --key $key --rate 3/2 2>/dev/null || rc=$?; [ $rc -eq 64 ] || fail "rate: $rc"
rc=0; "$vnfo" sample --pcap "$tmp/a.pcap" --key $key --hash md5 2>/dev/null || rc=$?; [ $rc -eq 64 ] || fail "hash: $rc"
rc=0; "$vnfo" sample --pcap "$tmp/none.pcap" --key $key >"$tmp/out" 2>"$tmp/err" || rc=$?; [ $rc -eq 3 ] || fail "missing: $rc"
[ ! -s "$tmp/out" ] || fail "missing capture: a summary of nothing: $(cat "$tmp/out")"
grep -q "^vnfo: sample: $tmp/none.pcap: No such file or directory" "$tmp/err" || fail "missing capture: $(cat "$tmp/err")"
"$vnfo" sample --pcap "$tmp/a.pcap" --key $key --hash bob --ranges 0-0x7fffffff --fields nat-safe \
    | grep -q '"probability":"1/2"' || fail "bob ranges"
TMPDIR=$tmp "$vnfo" demo > "$tmp/demo.txt" || fail "demo: $(cat "$tmp/demo.txt")"
grep -q "14 of 14 runs judged as intended" "$tmp/demo.txt" || fail "demo output"
echo "ok: vnfo generate, sample and demo"
