#!/bin/sh
# Stateful functions through the CLI (docs/verify.md, "Black-box
# relations"; docs/manifest.md, chain functions): a manifest naming
# "stateful-firewall", "masquerade-nat" and "stream-ids" makes `vnfo simulate` run the
# stateful middleboxes, and `vnfo verify --reference` judges them with
# their relations (checks relation.<name>): the honest provider passes.
set -u
. "${top_srcdir:-..}/tests/cli_lib.sh"

"$vnfo" demo --dir "$tmp/d" > "$tmp/demo.txt" || { echo "FAIL: demo"; exit 1; }
d=$tmp/d
sed 's/"function": "firewall"/"function": "stateful-firewall"/; s/"function": "nat"/"function": "masquerade-nat"/; s/"function": "ids", "node_id"/"function": "stream-ids", "node_id"/' \
    "$d/manifest.json" > "$tmp/stateful.json"
contains "$tmp/stateful.json" '"function": "stateful-firewall"'
contains "$tmp/stateful.json" '"function": "masquerade-nat"'
mkdir "$tmp/honest"
expect 0 "simulate stateful functions" "$vnfo" simulate --manifest "$tmp/stateful.json" --pcap "$d/capture.pcap" \
    --keys "$d/keys" --out "$tmp/honest"
# Relations judge behaviour only: they give no reference cycles, so the
# minimality check is inconclusive (exit 2) and everything else passes.
expect 2 "verify with relations" "$vnfo" verify --manifest "$tmp/stateful.json" --logs "$tmp/honest" \
    --bill "$tmp/honest/bill.json" --key "$d/keys/sampling.key" \
    --reference stateful-firewall,masquerade-nat,stream-ids --verbose
contains "$tmp/out" "INCONCLUSIVE: 1 of 19 checks inconclusive, no violation (18 pass, 0 fail, 1 inconclusive, 0 error)"
contains "$tmp/out" "INCONCLUSIVE accounting    minimality.cpu_cycles"
contains "$tmp/out" "PASS         functionality relation.fw"
contains "$tmp/out" "under the relation stateful-firewall"
contains "$tmp/out" "PASS         functionality relation.nat"
contains "$tmp/out" "under the relation masquerade-nat"
contains "$tmp/out" "PASS         functionality relation.ids"
contains "$tmp/out" "under the relation stream-ids"
contains "$tmp/out" "mode=relation"
expect 2 "json (no reference for minimality: inconclusive)" "$vnfo" verify --manifest "$tmp/stateful.json" --logs "$tmp/honest" \
    --bill "$tmp/honest/bill.json" --reference masquerade-nat --json
contains "$tmp/out" '"check": "relation.nat"'
# A stateful function the simulator does not know is refused by name.
sed 's/"function": "ids", "node_id"/"function": "stream-ids-2", "node_id"/' "$d/manifest.json" > "$tmp/unknown.json"
mkdir "$tmp/unknown"
expect 3 "unknown middlebox" "$vnfo" simulate --manifest "$tmp/unknown.json" --pcap "$d/capture.pcap" \
    --keys "$d/keys" --out "$tmp/unknown"
contains "$tmp/err" 'no middlebox for function "stream-ids-2" (firewall, nat, ids, stateful-firewall, masquerade-nat, stream-ids)'
expect 64 "unknown reference" "$vnfo" verify --manifest "$tmp/stateful.json" --logs "$tmp/honest" \
    --bill "$tmp/honest/bill.json" --reference conntrack
contains "$tmp/err" 'unknown function "conntrack" (firewall, nat, ids, stateful-firewall, masquerade-nat, stream-ids)'
cli_finish
