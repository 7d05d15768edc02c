#!/bin/sh
# vnfo tap live on a veth pair, in the kernel-block mode (TPACKET_V3, the
# default) and in immediate mode: a namespace bridges frames from gen to
# sink, bench/veth_blast sends them, the tap watches the bridge's two ports.
# The kernel hands frames over in blocks, so an egress frame can reach the
# tap before its ingress frame's block does; the tap must still pair every
# frame: no `generated` record (the bridge generates nothing), every
# forwarded record leaves after it entered (t_out >= t_in), every frame the
# veths counted is counted by the tap, and the log verifies.  Needs root
# (network namespaces); skips with the reason otherwise.  Namespaces are
# vnfo-tlt-<pid>-*, removed on any exit.
set -u
vnfo=${top_builddir:-.}/tools/vnfo
blast=${top_builddir:-.}/bench/veth_blast
[ -x "$vnfo" ] && [ -x "$blast" ] || { echo "no $vnfo or $blast (CLI not built)"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (network namespaces)"; exit 77; }
command -v ip > /dev/null || { echo "SKIP: no iproute2"; exit 77; }
command -v python3 > /dev/null || { echo "SKIP: no python3"; exit 77; }
# A run killed outright (SIGKILL) cannot clean up after itself: remove the
# namespaces of earlier runs whose process is gone.
for stale in $(ip netns list 2> /dev/null | awk '{print $1}' | grep -E '^vnfo-tlt-[0-9]+-(gen|fw|sink)$'); do
    p=${stale#vnfo-tlt-}; kill -0 "${p%%-*}" 2> /dev/null || ip netns del "$stale" 2> /dev/null
done
id=vnfo-tlt-$$ tmp=$(mktemp -d) pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2> /dev/null && wait "$pid" 2> /dev/null
    for n in gen fw sink; do ip netns del "$id-$n" 2> /dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; exit 1; }
ns() { n=$1; shift; ip netns exec "$id-$n" "$@"; }

for n in gen fw sink; do
    ip netns add "$id-$n" || { echo "SKIP: cannot create a network namespace"; exit 77; }
    ns $n ip link set lo up
    ns $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 > /dev/null
done
ip link add g0 netns "$id-gen" type veth peer name t0 netns "$id-fw" || fail "veth"
ip link add t1 netns "$id-fw" type veth peer name k0 netns "$id-sink" || fail "veth"
ns fw ip link add br0 type bridge || { echo "SKIP: no bridge in this kernel"; exit 77; }
ns fw ip link set t0 master br0 && ns fw ip link set t1 master br0 || fail "bridge ports"
for l in gen:g0 fw:t0 fw:t1 fw:br0 sink:k0; do ns "${l%%:*}" ip link set "${l#*:}" up || fail "up $l"; done
# The kernel tells the bridge of a veth's carrier asynchronously (linkwatch,
# later still while other namespaces come and go): frames sent before both
# ports forward are dropped by the bridge, so wait for that (up to 20 s).
forwarding() { [ "$(ns fw cat /sys/class/net/$1/brport/state)" = 3 ]; }
for _ in $(seq 200); do forwarding t0 && forwarding t1 && break; sleep 0.1; done
forwarding t0 && forwarding t1 || fail "the bridge's ports never reached the forwarding state"

for k in customer provider fw; do "$vnfo" keygen --out "$tmp/$k" > /dev/null || fail keygen; done
commit=$("$vnfo" keygen --sampling --out "$tmp/sampling" | sed -n 's/^commitment: //p')
pub() { tr -d '\n' < "$tmp/$1.pub"; }
cat > "$tmp/m.json" <<JSON
{"vnfo_manifest": 1, "id": "tap-live-test",
 "customer": {"name": "c", "public_key": "$(pub customer)"}, "provider": {"name": "p", "public_key": "$(pub provider)"},
 "chain": [{"name": "fw", "function": "firewall", "node_id": 1, "public_key": "$(pub fw)", "may_modify": "nothing", "may_drop": true}],
 "sampling": {"hash": "siphash-2-4", "key_id": "b", "key_commitment": "$commit", "rate": "1/16", "fields": "nat-safe", "payload_bytes": 16, "epoch_seconds": 86400},
 "logging": {"granularity": "digest", "batch_records": 256, "tree_hash": "blake2b-256"},
 "billing": {"period": {"start": "2026-01-01T00:00:00Z", "end": "2027-01-01T00:00:00Z"}, "resources": [{"resource": "packets", "summary": "count"}]},
 "verification": {"confidence": 0.99, "clock_skew_us": 50}}
JSON
smac=$(ns gen cat /sys/class/net/g0/address)
passed_in() { ns fw cat /sys/class/net/t0/statistics/rx_packets; }
passed_out() { ns fw cat /sys/class/net/t1/statistics/tx_packets /sys/class/net/t1/statistics/tx_dropped | awk '{ s += $1 } END { print s }'; }

# run NAME FRAMES RATE TAP-OPTIONS...: one live tap while veth_blast sends
run() {
    name=$1 frames=$2 rate=$3
    shift 3
    ip netns exec "$id-fw" "$vnfo" tap --manifest "$tmp/m.json" --node fw --key "$tmp/fw.key" \
        --sampling-key "$tmp/sampling.key" --ingress-if t0 --egress-if t1 --out "$tmp/$name.log" "$@" \
        > "$tmp/$name.out" 2>&1 &
    pid=$!
    for _ in $(seq 50); do grep -qs capturing "$tmp/$name.out" && break; sleep 0.1; done
    grep -qs capturing "$tmp/$name.out" || fail "$name: tap did not start: $(cat "$tmp/$name.out")"
    in0=$(passed_in) out0=$(passed_out)
    # 02:00:00:00:00:01 is no port's address: the bridge floods each frame to t1.
    ns gen "$blast" g0 02:00:00:00:00:01 "$smac" "$frames" "$rate" > "$tmp/$name.blast" 2>&1 ||
        fail "$name: veth_blast: $(cat "$tmp/$name.blast")"
    sleep 0.3
    in1=$(passed_in) out1=$(passed_out)
    kill -TERM $pid
    wait $pid || fail "$name: tap exit $?: $(cat "$tmp/$name.out")"
    pid=
    summary=$(sed -n 's/^tap: \([0-9]*\) ingress, \([0-9]*\) egress frames; \([0-9]*\) forwarded, \([0-9]*\) dropped, \([0-9]*\) generated.*/\1 \2 \3 \4 \5/p' "$tmp/$name.out")
    kdrops=$(sed -n 's/^tap: \([0-9]*\) frames dropped by the kernel.*/\1/p' "$tmp/$name.out")
    set -- $summary
    [ $# -eq 5 ] || fail "$name: no summary: $(cat "$tmp/$name.out")"
    [ "$kdrops" -eq 0 ] || { echo "$name: the kernel dropped $kdrops frames (machine loaded): counts not compared"; return; }
    # The veths' counters are read around the traffic; a stray frame of the
    # set-up (the bridge's own) may fall inside the capture but not between
    # the two readings.
    [ "$1" -ge $((in1 - in0)) ] && [ "$1" -le $((in1 - in0 + 5)) ] ||
        fail "$name: $1 ingress frames, the veth passed $((in1 - in0))"
    [ "$2" -ge $((out1 - out0)) ] && [ "$2" -le $((out1 - out0 + 5)) ] ||
        fail "$name: $2 egress frames, the veth passed $((out1 - out0))"
    [ "$5" -eq 0 ] || fail "$name: $5 generated records: an egress frame overtook its ingress frame"
    # About 1/16 of the frames that crossed (a loaded machine's bridge may
    # pass fewer than were sent: its backlog drops are not the tap's).
    [ "$3" -gt $(($1 / 40)) ] || fail "$name: only $3 forwarded records of $1 frames at rate 1/16"
    "$vnfo" log verify --pub "$tmp/fw.pub" --manifest "$tmp/m.json" --from-start "$tmp/$name.log" > "$tmp/$name.lv" 2>&1 ||
        fail "$name: log verify: $(tail -3 "$tmp/$name.lv")"
    "$vnfo" log dump --jsonl --pub "$tmp/fw.pub" "$tmp/$name.log" 2> /dev/null | python3 -c '
import json, sys
fwd = [r for r in map(json.loads, sys.stdin) if r.get("type") == "packet" and r["verdict"] == "forwarded"]
late = [r for r in fwd if r["t_out_ns"] < r["t_in_ns"]]
if len(fwd) != int(sys.argv[1]) or late:
    sys.exit("%d forwarded records (summary %s), %d leave before they entered" % (len(fwd), sys.argv[1], len(late)))
' "$3" || fail "$name: records"
    echo "$name: $1 ingress, $2 egress frames; $3 forwarded, $4 dropped, 0 generated; log verified"
}

run blocks 300000 0                       # the default: 5 ms blocks, top speed
run blocks-1ms 100000 200000 --block-ms 1
run immediate 20000 50000 --immediate
echo "PASS"
