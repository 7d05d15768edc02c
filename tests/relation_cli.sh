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

# The stateful cheats (docs/simulate.md): each fails its relation's check,
# named in `vnfo simulate --help`, with the reason the relation gives; the
# honest stateful provider above passes.  nat-shares-port needs clients that
# share servers (`vnfo generate --servers`); the others run on the demo's capture.
"$vnfo" generate --out "$tmp/shared.pcap" --packets 4000 --flows 300 --servers 4 --seed 3 > /dev/null \
    || { echo "FAIL: generate --servers"; exit 1; }
expect 0 "simulate --help names the stateful scenarios" "$vnfo" simulate --help
contains "$tmp/out" "caught by: relation.nat (needs a manifest with the stateful function masquerade-nat)"
# cheat SCENARIO PCAP CHECK REASON
cheat() {
    mkdir "$tmp/$1"
    expect 0 "simulate $1" "$vnfo" simulate --manifest "$tmp/stateful.json" --pcap "$2" --keys "$d/keys" \
        --out "$tmp/$1" --misbehave "$1"
    expect 1 "verify $1" "$vnfo" verify --manifest "$tmp/stateful.json" --logs "$tmp/$1" \
        --bill "$tmp/$1/bill.json" --key "$d/keys/sampling.key" \
        --reference stateful-firewall,masquerade-nat,stream-ids
    contains "$tmp/out" "FAIL: 1 of 19 checks found a violation"
    contains "$tmp/out" "FAIL         functionality $3 "
    contains "$tmp/out" "$4"
}
cheat fw-forwards-unopenable "$d/capture.pcap" relation.fw \
    "forwarded inadmissible: the ACL denies it in both directions: no allowed packet could have opened its flow"
cheat nat-splits-flow "$d/capture.pcap" relation.nat "one original flow, two rewritten tuples: conflicts with label"
cheat nat-shares-port "$tmp/shared.pcap" relation.nat "two live original flows, one rewritten tuple: conflicts with label"
cheat ids-drops-unmatchable "$d/capture.pcap" relation.ids \
    "dropped inadmissible: no drop signature can end in this segment, whatever the unseen bytes"
# The honest stateful provider passes on shared servers too.
mkdir "$tmp/shared-honest"
expect 0 "simulate honest, shared servers" "$vnfo" simulate --manifest "$tmp/stateful.json" --pcap "$tmp/shared.pcap" \
    --keys "$d/keys" --out "$tmp/shared-honest"
expect 2 "verify honest, shared servers" "$vnfo" verify --manifest "$tmp/stateful.json" --logs "$tmp/shared-honest" \
    --bill "$tmp/shared-honest/bill.json" --key "$d/keys/sampling.key" \
    --reference stateful-firewall,masquerade-nat,stream-ids
contains "$tmp/out" "INCONCLUSIVE: 1 of 19 checks inconclusive, no violation (18 pass, 0 fail, 1 inconclusive, 0 error)"
# A stateful cheat without its function in the chain is refused by name.
mkdir "$tmp/nofw"
expect 3 "stateful cheat, stateless chain" "$vnfo" simulate --manifest "$d/manifest.json" --pcap "$d/capture.pcap" \
    --keys "$d/keys" --out "$tmp/nofw" --misbehave fw-forwards-unopenable
contains "$tmp/err" 'fw-forwards-unopenable needs a chain function "stateful-firewall"'
expect 64 "generate --servers 0" "$vnfo" generate --out "$tmp/x.pcap" --servers 0
expect 64 "generate --servers 257" "$vnfo" generate --out "$tmp/x.pcap" --servers 257
# --nat configures the masquerade relation: a pool that excludes the NAT's
# address makes every leaving packet inadmissible; ADDR/BITS and a range parse.
expect 1 "relation with another pool" "$vnfo" verify --manifest "$tmp/stateful.json" --logs "$tmp/honest" \
    --bill "$tmp/honest/bill.json" --reference masquerade-nat --nat 192.0.2.1/32:1024-65535
contains "$tmp/out" "forwarded inadmissible: the rewritten source address is outside the pool"
expect 1 "relation with a narrower port range" "$vnfo" verify --manifest "$tmp/stateful.json" --logs "$tmp/honest" \
    --bill "$tmp/honest/bill.json" --reference masquerade-nat --nat 203.0.113.0/24:20000-20001
contains "$tmp/out" "forwarded inadmissible: the rewritten source port is outside the port range"
expect 2 "relation with the simulator's pool" "$vnfo" verify --manifest "$tmp/stateful.json" --logs "$tmp/honest" \
    --bill "$tmp/honest/bill.json" --reference masquerade-nat --nat 203.0.113.0/24
contains "$tmp/out" "PASS         functionality relation.nat"
for bad in 203.0.113.7/33 203.0.113.7:0-10 203.0.113.7/24x 203.0.113.7:9-8 256.0.0.1; do
    expect 64 "--nat $bad" "$vnfo" verify --manifest "$tmp/stateful.json" --logs "$tmp/honest" \
        --bill "$tmp/honest/bill.json" --reference masquerade-nat --nat "$bad"
    contains "$tmp/err" "--nat \"$bad\": expected ADDR[/BITS][:LO-HI] (IPv4, ports 1-65535)"
done
cli_finish
