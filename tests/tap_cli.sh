#!/bin/sh
# vnfo tap end to end without a kernel: tests/tap_chain plays a chain of black
# boxes (the reference firewall, ids and nat) over the demo capture and writes
# what a tap on each side of each function would see; `vnfo tap` turns each
# function's two captures into its signed log; `vnfo verify` judges the logs.
# The honest chain passes every functional check; each cheat fails the check
# docs/tap.md names for it.
set -u
vnfo=${top_builddir:-.}/tools/vnfo
chain=${top_builddir:-.}/tests/tap_chain
[ -x "$vnfo" ] && [ -x "$chain" ] || { echo "no $vnfo or $chain (CLI not built)"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$vnfo" demo --dir "$tmp/d" > "$tmp/demo.txt" || fail "demo: $(tail -5 "$tmp/demo.txt")"
d=$tmp/d
# A black-box NAT is paired through its rewrite by the nat-safe field set.
sed 's/"fields": "invariant"/"fields": "nat-safe"/' "$d/manifest.json" > "$tmp/manifest.json"
grep -q '"nat-safe"' "$tmp/manifest.json" || fail "manifest: no nat-safe field set"

# run CHEAT: captures, one tap per function, verify; the report in $tmp/CHEAT.json
run() {
    mkdir -p "$tmp/$1/pcaps" "$tmp/$1/logs"
    "$chain" "$tmp/manifest.json" "$d/capture.pcap" "$tmp/$1/pcaps" "$1" || fail "$1: tap_chain"
    for n in fw ids nat; do
        "$vnfo" tap --manifest "$tmp/manifest.json" --node "$n" --key "$d/keys/$n.key" \
            --sampling-key "$d/keys/sampling.key" --ingress-pcap "$tmp/$1/pcaps/$n.in.pcap" \
            --egress-pcap "$tmp/$1/pcaps/$n.out.pcap" --out "$tmp/$1/logs/$n.log" \
            > "$tmp/$1/tap-$n.txt" 2>&1 || fail "$1: tap $n: $(cat "$tmp/$1/tap-$n.txt")"
    done
    "$vnfo" verify --manifest "$tmp/manifest.json" --logs "$tmp/$1/logs" --reference firewall,nat,ids --bill "$d/honest/bill.json" \
        --key "$d/keys/sampling.key" --json > "$tmp/$1.json" 2> "$tmp/$1.err"
    [ $? -le 2 ] || fail "$1: verify: $(cat "$tmp/$1.err")"
}
# verdict CHEAT CHECK: the named check's verdict in the report
verdict() {
    python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))
print(next((c["verdict"] for c in r["checks"] if c["check"] == sys.argv[2]), "absent"))' "$tmp/$1.json" "$2"
}
expect() { # expect CHEAT CHECK VERDICT
    got=$(verdict "$1" "$2")
    [ "$got" = "$3" ] || fail "$1: $2 is $got, expected $3 ($(head -c 600 "$tmp/$1.json"))"
}

run honest
grep -q "forwarded" "$tmp/honest/tap-fw.txt" || fail "honest: tap summary: $(cat "$tmp/honest/tap-fw.txt")"
for c in logs.integrity sampling.consistency chain.complete chain.order hop.links drops.attribution \
         reference.fw reference.ids reference.nat function.unmodified sla.ids.delay.mean; do
    expect honest "$c" PASS
done
digest=$("$vnfo" manifest check "$tmp/manifest.json" | sed -n 's/^digest *[a-z0-9]*://p')
"$vnfo" log verify --pub "$d/keys/fw.pub" --manifest-digest "$digest" "$tmp/honest/logs/fw.log" \
    > "$tmp/lv.txt" 2>&1 || fail "honest: log verify fw.log: $(tail -3 "$tmp/lv.txt")"

run drops
expect drops reference.fw FAIL
run rewrites-payload
expect rewrites-payload function.unmodified FAIL
run adds-delay
expect adds-delay sla.ids.delay.mean FAIL
run skips-function
expect skips-function chain.complete FAIL
echo "ok: vnfo tap pairs black-box captures; honest passes, four cheats caught"
