#!/bin/sh
# vnfo simulate / verify end to end: the exit codes of docs/REPORT.md
# (0 pass, 1 violation, 2 only inconclusive, 3 input error, 64 usage).
set -u
vnfo=${top_builddir:-.}/tools/vnfo
[ -x "$vnfo" ] || { echo "no $vnfo (CLI not built)"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# The demo writes keys, a manifest, a capture and every scenario's logs.
"$vnfo" demo --dir "$tmp/d" > "$tmp/demo.txt" || fail "demo: $(tail -5 "$tmp/demo.txt")"
d=$tmp/d
expect() { # expect CODE DESCRIPTION -- vnfo args...
    want=$1; what=$2; shift 3
    "$vnfo" "$@" > "$tmp/out" 2> "$tmp/err"; got=$?
    [ "$got" -eq "$want" ] || fail "$what: exit $got, expected $want: $(head -3 "$tmp/err" "$tmp/out")"
}
v() { echo verify --manifest "$d/manifest.json" --logs "$1" --bill "${2:-$1/bill.json}"; }

expect 0 "honest" -- $(v "$d/honest") --reference firewall,nat,ids --key "$d/keys/sampling.key"
head -1 "$tmp/out" | grep -q '^PASS: all 19 checks passed' || fail "honest: first line $(head -1 "$tmp/out")"
# A batch whose signed root fails (tampers-log): its 64 records are not
# read, so the SLA and minimality checks, PASS on what remains, are
# INCONCLUSIVE, with the records lost and every record left out counted.
expect 1 "tampers-log" -- $(v "$d/tampers-log") --reference firewall,nat,ids --verbose
grep -q '^  INCONCLUSIVE performance   sla.ids.delay.mean       mean delay of ids: PASS on the records that remain, but the logs are incomplete (see logs.integrity)' "$tmp/out" \
    || fail "tampers-log: sla: $(grep sla "$tmp/out")"
grep -q 'logs_complete=false, records_rejected=64, records_lost_signed=0, unit=ns, reference_from=replayed references, records=[0-9]*, records_not_forwarded=[0-9]*, delays_backwards_as_zero=0$' "$tmp/out" \
    || fail "tampers-log: sla evidence: $(grep -A1 sla.ids "$tmp/out")"
grep -q 'labels_unpaired=64, labels_not_crossing=[0-9]*, delays_backwards_as_zero=0$' "$tmp/out" \
    || fail "tampers-log: chain evidence: $(grep -A1 sla.chain "$tmp/out")"
grep -q '^  INCONCLUSIVE accounting    minimality.cpu_cycles    cpu_cycles over the reference: PASS on the records that remain' "$tmp/out" \
    || fail "tampers-log: minimality: $(grep minimality "$tmp/out")"
grep -q 'records_rejected=64, records_lost_signed=0, labels=[0-9]*, records_not_replayed=0$' "$tmp/out" \
    || fail "tampers-log: minimality evidence: $(grep -A1 minimality "$tmp/out")"
expect 1 "adds-delay" -- $(v "$d/adds-delay")
head -1 "$tmp/out" | grep -q '^FAIL: ' || fail "adds-delay: first line $(head -1 "$tmp/out")"
expect 1 "json" -- $(v "$d/skips-function") --json
grep -q '"vnfo_report": 1' "$tmp/out" || fail "json: no format version"
grep -q '"exit_code": 1' "$tmp/out" || fail "json: no exit code"

# Only inconclusive: an empty capture (the pcap file header alone) samples nothing.
head -c 24 "$d/capture.pcap" > "$tmp/empty.pcap"
mkdir "$tmp/empty"
"$vnfo" simulate --manifest "$d/manifest.json" --pcap "$tmp/empty.pcap" --keys "$d/keys" --out "$tmp/empty" \
    > /dev/null || fail "simulate empty"
expect 2 "empty capture" -- $(v "$tmp/empty")
head -1 "$tmp/out" | grep -q '^INCONCLUSIVE: ' || fail "empty: first line $(head -1 "$tmp/out")"

# Input errors: exit 3 with the place named.
mkdir "$tmp/corrupt"; cp "$d/honest/"* "$tmp/corrupt/"
head -c 300 /dev/urandom > "$tmp/corrupt/ids.log"
expect 3 "corrupt log" -- $(v "$tmp/corrupt")
grep -q 'ids.log' "$tmp/err" || fail "corrupt log: $(cat "$tmp/err")"
sed 's/"cpu_cycles"/"gpu_seconds"/' "$d/honest/bill.json" > "$tmp/badbill.json"
expect 3 "unknown resource" -- $(v "$d/honest" "$tmp/badbill.json")
grep -q 'VNFO_E_BILL_UNKNOWN_RESOURCE.*gpu_seconds' "$tmp/err" || fail "unknown resource: $(cat "$tmp/err")"
sed 's|"rate": "1/8"|"rate": "1/16"|' "$d/manifest.json" > "$tmp/other.json"
expect 3 "manifest mismatch" -- verify --manifest "$tmp/other.json" --logs "$d/honest" --bill "$d/honest/bill.json"
grep -q 'VNFO_E_LOG_MANIFEST_MISMATCH' "$tmp/err" || fail "manifest mismatch: $(cat "$tmp/err")"
mkdir "$tmp/missing"; cp "$d/honest/fw.log" "$d/honest/nat.log" "$tmp/missing/"
expect 3 "missing node log" -- $(v "$tmp/missing" "$d/honest/bill.json")
grep -q 'no log for chain\[1\] "ids"' "$tmp/err" || fail "missing log: $(cat "$tmp/err")"
# --threads: the same report, byte for byte, for any number of threads, on
# the honest logs and on cheating ones (JSON, and text with every evidence).
for sc in honest tampers-log truncates-log replays-batch skips-function deletes-tail \
          nat-rewrites-untagged; do
    m=$d/manifest.json
    [ -d "$d/$sc" ] || fail "threads: no scenario $sc in the demo"
    [ "$sc" = nat-rewrites-untagged ] && m=$d/manifest-tagged.json
    for fmt in --json --verbose; do
        "$vnfo" verify --manifest "$m" --logs "$d/$sc" --bill "$d/$sc/bill.json" --reference firewall,nat,ids \
            --threads 1 $fmt > "$tmp/want" 2> "$tmp/err"
        want_rc=$?
        [ "$want_rc" -le 2 ] || fail "threads: $sc: exit $want_rc: $(cat "$tmp/err")"
        for n in 2 3 8 0; do
            expect "$want_rc" "threads $sc $n" -- verify --manifest "$m" --logs "$d/$sc" --bill "$d/$sc/bill.json" \
                --reference firewall,nat,ids --threads $n $fmt
            cmp -s "$tmp/want" "$tmp/out" || fail "threads: $sc $fmt: --threads $n gives another report"
        done
    done
done
# A bad thread count is a usage error naming the argument.
for bad in 257 -1 2x "" " 3" 99999999999999999999; do
    expect 64 "--threads '$bad'" -- $(v "$d/honest") --threads "$bad"
    grep -q "^vnfo: verify: --threads \"$bad\" is not a number of threads (1 to 256, or 0 for one per online CPU)\$" \
        "$tmp/err" || fail "--threads '$bad': $(cat "$tmp/err")"
done

expect 64 "usage" -- verify --manifest "$d/manifest.json"
expect 64 "unknown scenario" -- simulate --manifest "$d/manifest.json" --pcap "$d/capture.pcap" \
    --keys "$d/keys" --out "$tmp" --misbehave nonsense
echo "ok: vnfo simulate and verify exit codes"
