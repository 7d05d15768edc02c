#!/bin/sh
# Every capture-reading command over every capture under $VNFO_PCAP_DIR,
# subfolders included (the tcpdump corpus lives in tcpdump/; about 230 of
# its files are made to crash parsers): `vnfo sample`, `vnfo simulate`,
# `vnfo tap` offline (the capture as both its ingress and its egress) and
# `vnfo verify` on what simulate wrote, plus `vnfo log verify` on every
# log written.  Run by make check in every build, so under ASan/UBSan in
# build-asan.  For each file:
# - no command hangs (124 from timeout), dies of a signal or prints a
#   sanitizer report;
# - each exits 0 (read to the end) or 3 (unreadable or corrupt capture),
#   and all three readers agree on which (they share tools/capture.c);
# - nothing is dropped silently: sample prints one line per frame and its
#   summary counts them all; simulate and tap report the same number of
#   frames as sample; a capture read to the end is "complete";
# - every log they write verifies (exit 0), and verify exits 0, 1 or 2.
# The readers run over every file; the verifiers (vnfo verify, vnfo log
# verify), which read only what the readers wrote, run on every
# $VNFO_SWEEP_VERIFY_EVERY-th file (default 16; 1 for all: about 2 s per
# file on a loaded machine, 30 min for the tcpdump corpus).
# $VNFO_SWEEP_STRIDE=K (default 1) sweeps every K-th file only: ./quickstart
# sets it for the sanitizer build, where every command is about five times
# slower, so that CI stays inside its time (the plain build sweeps them all).
# Skips when VNFO_PCAP_DIR is unset.
. "${top_srcdir:-..}/tests/cli_lib.sh"

if [ -z "${VNFO_PCAP_DIR:-}" ] || [ ! -d "$VNFO_PCAP_DIR" ]; then
    echo "SKIP: VNFO_PCAP_DIR unset: the capture sweep needs real captures"
    exit 77
fi

"$vnfo" demo --dir "$tmp/D" >"$tmp/demo.out" 2>&1 || { echo "FAIL: demo"; cat "$tmp/demo.out"; exit 1; }
D=$tmp/D
K=$D/keys/sampling.key

# bad FILE WHAT: one failure, with the command's output
bad() {
    echo "FAIL: $1: $2"; sed 's/^/    /' "$tmp/err" | head -n 20; fails=$((fails + 1))
}

# crashed RC: a signal or a sanitizer report in $tmp/err
crashed() {
    [ "$1" -ge 124 ] || grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:|Segmentation fault' "$tmp/err"
}

# logs_verify DIR: every *.log in DIR verifies with its node's key
logs_verify() {
    for log in "$1"/*.log; do
        [ -f "$log" ] || continue
        node=$(basename "$log" .log)
        timeout 120 "$vnfo" log verify --pub "$D/keys/$node.pub" "$log" >"$tmp/out" 2>"$tmp/err"; r=$?
        if crashed $r || [ $r -ne 0 ]; then bad "$f" "log verify $node.log: exit $r"; fi
    done
}

files=0 read_to_end=0 refused=0 verified=0 long_silence=0
every=${VNFO_SWEEP_VERIFY_EVERY:-16}
stride=${VNFO_SWEEP_STRIDE:-1}
find "$VNFO_PCAP_DIR" -type f | LC_ALL=C sort | awk -v k="$stride" '(NR - 1) % k == 0' >"$tmp/files"
while IFS= read -r f <&3; do
    files=$((files + 1))
    check_logs=no
    if [ $((files % every)) -eq 0 ]; then check_logs=yes; fi
    # sample: one line per frame, then the summary
    timeout 120 "$vnfo" sample --pcap "$f" --key-file "$K" --rate 1/1 --jsonl >"$tmp/sample" 2>"$tmp/err"; rs=$?
    if crashed $rs || { [ $rs -ne 0 ] && [ $rs -ne 3 ]; }; then bad "$f" "sample: exit $rs"; continue; fi
    frames=$(grep -c '^{"frame":' "$tmp/sample")
    summary=$(grep '^{"packets":' "$tmp/sample")
    packets=$(echo "$summary" | sed -n 's/^{"packets":\([0-9]*\),.*/\1/p')
    if [ $rs -eq 0 ] || [ -n "$summary" ]; then
        [ "$packets" = "$frames" ] || bad "$f" "sample: $frames frame lines, summary says ${packets:-nothing}"
        complete=$(echo "$summary" | sed -n 's/.*"complete":\([a-z]*\).*/\1/p')
        if [ $rs -eq 0 ] && [ "$complete" != true ]; then bad "$f" "sample: exit 0 but complete:$complete"; fi
        if [ $rs -eq 3 ] && [ "$complete" = true ]; then bad "$f" "sample: exit 3 but complete:true"; fi
    fi
    if [ $rs -eq 0 ]; then read_to_end=$((read_to_end + 1)); else refused=$((refused + 1)); fi

    # simulate: the honest provider over the capture
    rm -rf "$tmp/sim"
    timeout 120 "$vnfo" simulate --manifest "$D/manifest.json" --pcap "$f" --keys "$D/keys" --out "$tmp/sim" \
        >"$tmp/out" 2>"$tmp/err"; r=$?
    # simulate refuses a capture silent for longer than its heartbeat limit
    if [ $r -eq 3 ] && [ $rs -eq 0 ] && grep -q "heartbeats per node" "$tmp/err"; then
        long_silence=$((long_silence + 1)); r=skip
    elif crashed $r || [ $r -ne $rs ]; then bad "$f" "simulate: exit $r, sample exited $rs"; continue; fi
    if [ "$r" = 0 ]; then
        n=$(sed -n 's/^simulated honest: \([0-9]*\) packets,.*/\1/p' "$tmp/out")
        [ "$n" = "$packets" ] || bad "$f" "simulate read ${n:-?} packets, sample $packets"
    fi
    if [ "$r" = 0 ] && [ $check_logs = yes ]; then
        verified=$((verified + 1))
        logs_verify "$tmp/sim"
        timeout 120 "$vnfo" verify --manifest "$D/manifest.json" --logs "$tmp/sim" --bill "$tmp/sim/bill.json" \
            --key "$K" >"$tmp/out" 2>"$tmp/err"; r=$?
        if crashed $r || [ $r -gt 2 ]; then bad "$f" "verify: exit $r"; fi
    fi

    # tap offline: the capture is both what enters and what leaves the function
    rm -rf "$tmp/tap"; mkdir "$tmp/tap"
    timeout 120 "$vnfo" tap --manifest "$D/manifest.json" --node fw --key "$D/keys/fw.key" --sampling-key "$K" \
        --out "$tmp/tap/fw.log" --ingress-pcap "$f" --egress-pcap "$f" >"$tmp/out" 2>"$tmp/err"; r=$?
    if crashed $r || [ $r -ne $rs ]; then bad "$f" "tap: exit $r, sample exited $rs"; continue; fi
    if [ $r -eq 0 ]; then
        seen=$(sed -n 's/^tap: \([0-9]*\) ingress, \([0-9]*\) egress frames.*/\1 \2/p' "$tmp/out" "$tmp/err")
        [ "$seen" = "$packets $packets" ] || bad "$f" "tap saw ${seen:-?} frames, sample $packets"
        [ $check_logs = no ] || logs_verify "$tmp/tap"
    fi
done 3<"$tmp/files"

echo "swept $files files (stride $stride) under VNFO_PCAP_DIR: $read_to_end read to the end, $refused refused (exit 3);" \
     "logs and reports verified for $verified; simulate refused $long_silence for silences" \
     "beyond its heartbeat limit"
[ "$files" -gt 0 ] || { echo "FAIL: no file found under $VNFO_PCAP_DIR"; fails=$((fails + 1)); }
cli_finish
