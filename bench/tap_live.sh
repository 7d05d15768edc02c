#!/usr/bin/env bash
# Benchmark: a live `vnfo tap` on a veth pair beside the bare libpcap loop
# (bench/pcap_count: the same two handles, block timeout and poll loop,
# counting only), measured in the same run, at offered rates stepping up.
#
# A namespace (fw) bridges frames from gen to sink; bench/veth_blast sends
# FRAMES small varied IPv4/UDP frames at each RATE (frames/s) from gen; the
# program under test watches fw's ingress veth (inbound) and egress veth
# (outbound), so it captures every forwarded frame twice.  For each rate and
# program: offered rate (what veth_blast achieved), frames that passed the
# two capture points (the veths' own counters: in at t0, out at t1), frames
# captured, kernel capture drops
# (pcap_stats), CPU time per captured frame (user + system of the capture
# process from just before the first frame to after the last,
# /proc/PID/schedstat) and the ratio tap/bare.  The figure: the highest offered rate with zero drops and every
# frame captured, and frames/s per core = 1 / CPU per captured frame.
# The capture is pinned to CPU 1; the generator (and the kernel's
# bridging, which runs in its softirq) to GEN_CPU when set, else anywhere.  Needs root and iproute2; prints why and exits 0
# where it cannot run.  Namespaces are vnfo-tl-<pid>-*, removed on any exit.
#   bench/tap_live.sh [BUILD_DIR]
# The tap runs twice per rate: under the manifest's hash (HASH, default
# siphash-2-4, the library's default and the lab's) and under the other fast
# hash (xxh3-64, or siphash-2-4 when HASH is another), printed beside it.
#   env: RATES (default "250000 500000 1000000 1500000"), FRAMES (2000000),
#        BLOCK_MS (5), HASH (siphash-2-4; or xxh3-64, bob), GEN_CPU, KEEP=1
# CALLGRIND=1 runs both capture programs under valgrind's callgrind and adds
# the user-space instructions per captured frame of each (the whole process:
# set-up and stop included), a figure the load of a shared machine does not
# move; callgrind is ~50x slower, so offer little (RATES=20000 FRAMES=200000).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
vnfo=$build/tools/vnfo count=$build/bench/pcap_count blast=$build/bench/veth_blast
callgrind=${CALLGRIND:+1} wait_start=50 settle=0.5
if [ -n "$callgrind" ]; then
    command -v valgrind > /dev/null || { echo "tap_live: CALLGRIND=1 needs valgrind"; exit 1; }
    # the program itself, not libtool's wrapper script
    [ -x "$build/tools/.libs/vnfo" ] && { vnfo=$build/tools/.libs/vnfo; export LD_LIBRARY_PATH=$build/.libs; }
    wait_start=600 settle=3
fi
[ "$(id -u)" -eq 0 ] || { echo "tap_live: needs root (network namespaces); skipped"; exit 0; }
for t in ip taskset; do command -v $t > /dev/null || { echo "tap_live: no $t; skipped"; exit 0; }; done
for p in "$count" "$blast"; do [ -x "$p" ] || { echo "tap_live: no $p (make bench builds it)"; exit 1; }; done
rates=${RATES:-250000 500000 1000000 1500000} frames=${FRAMES:-2000000} block=${BLOCK_MS:-5} hash=${HASH:-siphash-2-4}
[ "$hash" = siphash-2-4 ] && other=xxh3-64 || other=siphash-2-4
gen_pin=${GEN_CPU:+taskset -c $GEN_CPU}
# A run killed outright (SIGKILL) cannot clean up after itself: remove the
# namespaces of earlier runs whose process is gone.
for stale in $(ip netns list 2> /dev/null | awk '{print $1}' | grep -E '^vnfo-tl-[0-9]+-(gen|fw|sink)$'); do
    p=${stale#vnfo-tl-}; kill -0 "${p%%-*}" 2> /dev/null || ip netns del "$stale" 2> /dev/null
done
id=vnfo-tl-$$ tmp=$(mktemp -d) pid=
cleanup() {
    [ -n "$pid" ] && { kill "$pid" 2> /dev/null; wait "$pid" 2> /dev/null; }
    for n in gen fw sink; do ip netns del "$id-$n" 2> /dev/null; done
    [ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ns() { ip netns exec "$id-$1" "${@:2}"; }
set -e
for n in gen fw sink; do ip netns add "$id-$n"; ns $n ip link set lo up
    ns $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 > /dev/null; done
ip link add g0 netns "$id-gen" type veth peer name t0 netns "$id-fw"
ip link add t1 netns "$id-fw" type veth peer name k0 netns "$id-sink"
# The function: a bridge from t0 to t1 (a transparent bump in the wire).
# Routing the frames instead costs the generator's core about 4 us a frame
# on the 2-vCPU machine, which keeps the offered rate far below 1 M/s.  The
# frames go to an unknown MAC, so the bridge floods them to t1, and the sink
# discards them at once (not addressed to it).
ns fw ip link add br0 type bridge
ns fw ip link set t0 master br0; ns fw ip link set t1 master br0
for l in gen:g0 fw:t0 fw:t1 fw:br0 sink:k0; do ns ${l%%:*} ip link set ${l#*:} up; done
# The bridge learns of a veth's carrier asynchronously: wait until both ports forward.
forwarding() { [ "$(ns fw cat /sys/class/net/$1/brport/state)" = 3 ]; }
for _ in $(seq 200); do forwarding t0 && forwarding t1 && break; sleep 0.1; done

# Keys and two manifests (rate 1/64, nat-safe, digest records; HASH and the other).
for k in customer provider fw; do "$vnfo" keygen --out "$tmp/$k" > /dev/null; done
commit=$("$vnfo" keygen --sampling --out "$tmp/sampling" | sed -n 's/^commitment: //p')
pub() { tr -d '\n' < "$tmp/$1.pub"; }
manifest() { cat <<JSON
{"vnfo_manifest": 1, "id": "tap-bench",
 "customer": {"name": "c", "public_key": "$(pub customer)"}, "provider": {"name": "p", "public_key": "$(pub provider)"},
 "chain": [{"name": "fw", "function": "firewall", "node_id": 1, "public_key": "$(pub fw)", "may_modify": "nothing", "may_drop": true}],
 "sampling": {"hash": "$1", "key_id": "b", "key_commitment": "$commit", "rate": "1/64", "fields": "nat-safe", "payload_bytes": 16, "epoch_seconds": 86400},
 "logging": {"granularity": "digest", "batch_records": 1024, "tree_hash": "blake2b-256"},
 "billing": {"period": {"start": "2026-01-01T00:00:00Z", "end": "2027-01-01T00:00:00Z"}, "resources": [{"resource": "packets", "summary": "count"}]},
 "verification": {"confidence": 0.99, "clock_skew_us": 50}}
JSON
}
manifest "$hash" > "$tmp/m.json"
manifest "$other" > "$tmp/m2.json"
set +e
dmac=02:00:00:00:00:01 smac=$(ns gen cat /sys/class/net/g0/address)

# CPU seconds (user + system) the capture process has used so far, from
# the scheduler's own count (ns; both programs are single-threaded); the
# set-up (the kernel's ring, keys) and the stop (the last signature) fall
# outside the two readings around the traffic.
cpu_of() { awk '{ printf "%.6f\n", $1 / 1e9 }' "/proc/$1/schedstat"; }
# Frames that passed the two capture points: in at t0, out at t1 (also those
# the sink's veth then dropped: the capture saw them leave).
passed() { ns fw cat /sys/class/net/t0/statistics/rx_packets /sys/class/net/t1/statistics/tx_packets \
    /sys/class/net/t1/statistics/tx_dropped | awk '{ s += $1 } END { print s }'; }
# measure NAME RATE CMD...: one line "offered received captured drops cpu_s instructions"
# (instructions: callgrind's total under CALLGRIND=1, else 0)
measure() {
    local name=$1 rate=$2; shift 2
    local wrap=()
    [ -n "$callgrind" ] && wrap=(valgrind --tool=callgrind "--callgrind-out-file=$tmp/$name.cg")
    ip netns exec "$id-fw" taskset -c 1 "${wrap[@]}" "$@" > "$tmp/$name.out" 2>&1 &  # exec: $! is the program
    pid=$!
    for _ in $(seq $wait_start); do grep -qs capturing "$tmp/$name.out" && break; sleep 0.1; done
    local rx0 c0 c1; rx0=$(passed) c0=$(cpu_of $pid)
    ns gen $gen_pin "$blast" g0 "$dmac" "$smac" "$frames" "$rate" > "$tmp/$name.blast" 2>&1
    sleep $settle
    local rx1; rx1=$(passed) c1=$(cpu_of $pid)
    kill -TERM $pid; wait $pid; pid=
    local offered cpu captured drops
    offered=$(sed -n 's/.*s: \([0-9]*\) frames\/s.*/\1/p' "$tmp/$name.blast")
    cpu=$(echo "$c0 $c1" | awk '{ printf "%.6f\n", $2 - $1 }')
    if [ "$name" = bare ]; then
        captured=$(sed -n 's/^frames \([0-9]*\).*/\1/p' "$tmp/bare.out")
        drops=$(sed -n 's/.*kernel_drops \([0-9]*\).*/\1/p' "$tmp/bare.out")
    else
        captured=$(sed -n 's/^tap: \([0-9]*\) ingress, \([0-9]*\) egress.*/\1 \2/p' "$tmp/$name.out" | awk '{print $1 + $2}')
        drops=$(sed -n 's/^tap: \([0-9]*\) frames dropped by the kernel.*/\1/p' "$tmp/$name.out")
    fi
    local ir=0
    [ -n "$callgrind" ] && ir=$(sed -n 's/^summary: //p' "$tmp/$name.cg")
    echo "${offered:-0} $((rx1 - rx0)) ${captured:-0} ${drops:--1} $cpu ${ir:-0}"
}

echo "tap_live: $frames frames per step, block timeout $block ms, rate 1/64 $hash digest records; load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-10s | %-54s | %-54s | %-8s | %s\n" "asked f/s" "bare libpcap loop (baseline)" "vnfo tap ($hash)" "ratio" \
    "tap under $other"
printf "%-10s | %9s %9s %9s %6s %8s %7s | %9s %9s %9s %6s %8s %7s | %8s | %6s %8s %s\n" "" offered passed captured drops "ns/frame" "Mf/s/c" \
    offered passed captured drops "ns/frame" "Mf/s/c" "tap/bare" drops "ns/frame" "tap/bare"
for rate in $rates; do
    b=$(measure bare "$rate" "$count" t0 t1 "$block")
    tap() { measure "$1" "$rate" "$vnfo" tap --manifest "$tmp/$2" --node fw --key "$tmp/fw.key" \
        --sampling-key "$tmp/sampling.key" --ingress-if t0 --egress-if t1 --block-ms "$block" --out "$tmp/fw.log"; }
    t=$(tap tap m.json) o=$(tap tap2 m2.json)
    echo "$rate $b $t $o" | awk -v other="$other" -v cg="$callgrind" '{
        bn = $6 * 1e9 / ($4 ? $4 : 1); tn = $12 * 1e9 / ($10 ? $10 : 1); on = $18 * 1e9 / ($16 ? $16 : 1)
        bok = $5 == 0 && $4 >= $3; tok = $11 == 0 && $10 >= $9
        printf "%-10d | %9d %9d %9d %6d %8.1f %7.2f | %9d %9d %9d %6d %8.1f %7.2f | %7.2fx | %6d %8.1f %.2fx\n", $1, $2, $3, $4, $5, bn, 1e3 / bn, $8, $9, $10, $11, tn, 1e3 / tn, tn / bn, $17, on, on / bn
        printf "RESULT rate %d bare_offered %d bare_ok %d bare_ns %.1f tap_offered %d tap_ok %d tap_ns %.1f ratio %.3f %s_ns %.1f %s_ratio %.3f\n", $1, $2, bok, bn, $8, tok, tn, tn / bn, other, on, other, on / bn > "/dev/stderr"
        if (cg) {
            bi = $7 / ($4 ? $4 : 1); ti = $13 / ($10 ? $10 : 1); oi = $19 / ($16 ? $16 : 1)
            printf "  user-space instructions per captured frame (callgrind): bare %.0f, tap %.0f (%.2fx), tap under %s %.0f (%.2fx)\n", bi, ti, ti / bi, other, oi, oi / bi
            printf "INSTR rate %d bare %.0f tap %.0f ratio %.3f %s %.0f %s_ratio %.3f\n", $1, bi, ti, ti / bi, other, oi, other, oi / bi > "/dev/stderr"
        }
    }' 2>> "$tmp/results"
done
awk '/^RESULT/ && $7 && $5 > b { b = $5 } /^RESULT/ && $13 && $11 > t { t = $11 } END {
    printf "tap_live: highest offered rate with zero drops and every frame captured: bare %.2f M frames/s, vnfo tap %.2f M frames/s\n", b / 1e6, t / 1e6 }' "$tmp/results"
grep -E "RESULT|INSTR" "$tmp/results" | sed 's/^/tap_live: /'
