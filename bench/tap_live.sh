#!/usr/bin/env bash
# Benchmark: a live `vnfo tap` on a veth pair beside the bare libpcap loop
# (bench/pcap_count: the same two handles and poll loop, counting only),
# measured in the same run.  A namespace forwards frames from gen to sink;
# both programs watch its ingress (inbound) and egress (outbound) veth while
# tcpreplay sends the same capture at its top speed, ROUNDS times each.
# Reported: frames seen, kernel capture drops, CPU time per frame (user +
# system, from the shell's `times` after the program is reaped) and the
# ratio tap/bare; frames/s per core = 1 / CPU per frame.  Needs root,
# iproute2 and tcpreplay; prints why and exits 0 where it cannot run.
#   bench/tap_live.sh [BUILD_DIR]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
vnfo=$build/tools/vnfo count=$build/bench/pcap_count
[ "$(id -u)" -eq 0 ] || { echo "tap_live: needs root (network namespaces); skipped"; exit 0; }
for t in ip tcpreplay python3; do command -v $t > /dev/null || { echo "tap_live: no $t; skipped"; exit 0; }; done
[ -x "$count" ] || { echo "tap_live: no $count (make bench builds it)"; exit 1; }
id=tb$$ tmp=$(mktemp -d) pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2> /dev/null; wait "$p" 2> /dev/null; done
    for n in gen fw sink; do ip netns del "$id-$n" 2> /dev/null; done
    [ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
ns() { ip netns exec "$id-$1" "${@:2}"; }
for n in gen fw sink; do ip netns add "$id-$n"; ns $n ip link set lo up
    ns $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv4.conf.all.rp_filter=0 > /dev/null; done
ip link add g0 netns "$id-gen" type veth peer name t0 netns "$id-fw"
ip link add t1 netns "$id-fw" type veth peer name k0 netns "$id-sink"
ns gen ip addr add 100.64.0.1/30 dev g0; ns fw ip addr add 100.64.0.2/30 dev t0
ns fw ip addr add 100.64.0.5/30 dev t1; ns sink ip addr add 100.64.0.6/30 dev k0
for l in gen:g0 fw:t0 fw:t1 sink:k0; do ns ${l%%:*} ip link set ${l#*:} up; done
ns fw sysctl -qw net.ipv4.ip_forward=1 > /dev/null; ns fw ip route add default via 100.64.0.6

# Keys, a manifest (rate 1/64, siphash, digest records) and the capture.
for k in customer provider fw; do "$vnfo" keygen --out "$tmp/$k" > /dev/null; done
commit=$("$vnfo" keygen --sampling --out "$tmp/sampling" | sed -n 's/^commitment: //p')
pub() { tr -d '\n' < "$tmp/$1.pub"; }
cat > "$tmp/m.json" <<JSON
{"vnfo_manifest": 1, "id": "tap-bench",
 "customer": {"name": "c", "public_key": "$(pub customer)"}, "provider": {"name": "p", "public_key": "$(pub provider)"},
 "chain": [{"name": "fw", "function": "firewall", "node_id": 1, "public_key": "$(pub fw)", "may_modify": "nothing", "may_drop": true}],
 "sampling": {"hash": "siphash-2-4", "key_id": "b", "key_commitment": "$commit", "rate": "1/64", "fields": "nat-safe", "payload_bytes": 16, "epoch_seconds": 86400},
 "logging": {"granularity": "digest", "batch_records": 1024, "tree_hash": "blake2b-256"},
 "billing": {"period": {"start": "2026-01-01T00:00:00Z", "end": "2027-01-01T00:00:00Z"}, "resources": [{"resource": "packets", "summary": "count"}]},
 "verification": {"confidence": 0.99, "clock_skew_us": 50}}
JSON
"$vnfo" generate --out "$tmp/g.pcap" --packets 5000 > /dev/null
python3 "$here/../examples/lab/prepare_trace.py" "$tmp/g.pcap" "$tmp/r.pcap" --max 5000 \
    --src-mac "$(ns gen cat /sys/class/net/g0/address)" --dst-mac "$(ns fw cat /sys/class/net/t0/address)" > /dev/null
rounds=${ROUNDS:-60}

# CPU seconds of this shell's reaped children (`times` must run in this
# shell, not in a $(...) subshell, which has children of its own).
cpu_children() { times > "$tmp/times"; tail -1 "$tmp/times" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }'; }
# measure NAME CMD...: frames, drops and CPU seconds of CMD watching t0/t1
measure() {
    local name=$1; shift
    ip netns exec "$id-fw" "$@" > "$tmp/$name.out" 2>&1 &  # exec: $! is the program
    local pid=$!
    for _ in $(seq 50); do grep -qs capturing "$tmp/$name.out" && break; sleep 0.1; done
    ns gen tcpreplay -q -i g0 --topspeed --loop "$rounds" "$tmp/r.pcap" > "$tmp/$name.replay" 2>&1
    sleep 1
    cpu_children > "$tmp/before"
    kill -TERM $pid; wait $pid
    cpu_children > "$tmp/after"
    awk 'NR == FNR { b = $1; next } { printf "%.3f\n", $1 - b }' "$tmp/before" "$tmp/after" > "$tmp/$name.cpu"
}
measure bare "$count" t0 t1
measure tap "$vnfo" tap --manifest "$tmp/m.json" --node fw --key "$tmp/fw.key" \
      --sampling-key "$tmp/sampling.key" --ingress-if t0 --egress-if t1 --out "$tmp/fw.log"
sent=$(awk '/packets \(/ {print $2; exit} /Actual:/ {print $2; exit}' "$tmp/tap.replay")
b_frames=$(sed -n 's/^frames \([0-9]*\).*/\1/p' "$tmp/bare.out"); b_drops=$(sed -n 's/.*kernel_drops \([0-9]*\).*/\1/p' "$tmp/bare.out")
t_frames=$(sed -n 's/^tap: \([0-9]*\) ingress, \([0-9]*\) egress.*/\1 \2/p' "$tmp/tap.out" | awk '{print $1 + $2}')
t_drops=$(sed -n 's/^tap: \([0-9]*\) frames dropped by the kernel.*/\1/p' "$tmp/tap.out")
b_cpu=$(cat "$tmp/bare.cpu") t_cpu=$(cat "$tmp/tap.cpu")
awk -v bf="$b_frames" -v bd="$b_drops" -v bc="$b_cpu" -v tf="$t_frames" -v td="$t_drops" -v tc="$t_cpu" -v s="$sent" 'BEGIN {
    bn = bc * 1e9 / bf; tn = tc * 1e9 / tf
    printf "tap_live: tcpreplay sent %s frames a run (top speed); each frame is seen twice (in and out)\n", s
    printf "%-34s %9d frames %6d kernel drops %8.1f ns CPU/frame  %6.2f M frames/s/core\n", "bare libpcap loop (baseline)", bf, bd, bn, 1e3 / bn
    printf "%-34s %9d frames %6d kernel drops %8.1f ns CPU/frame  %6.2f M frames/s/core   ratio %.2fx\n", "vnfo tap (live, rate 1/64)", tf, td, tn, 1e3 / tn, tn / bn
}'
