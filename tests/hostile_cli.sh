#!/bin/sh
# Hostile inputs through the CLI (issue 11): a FIFO in place of every input
# file is refused at once with VNFO_E_NOT_REGULAR_FILE naming it, and a FIFO
# without a reader in place of an output (each command runs under `timeout`,
# so a blocking open fails the test instead of hanging it), and `vnfo log dump` without --pub walks a batch of 65,536
# empty records once.
set -u
. "${top_srcdir:-..}/tests/cli_lib.sh"

"$vnfo" demo --dir "$tmp/d" >"$tmp/demo.txt" 2>&1 || { echo "demo failed"; tail "$tmp/demo.txt"; exit 1; }
d=$tmp/d
f=$tmp/fifo
mkfifo "$f"

# fifo RC DESCRIPTION ARGS...: vnfo ARGS exits RC within 20 s and names the FIFO.
fifo() {
    want=$1 what=$2; shift 2
    expect "$want" "$what" timeout 20 "$vnfo" "$@"
    contains "$tmp/err" "$f: not a regular file (a FIFO); refused"
}

fifo 3 "log verify: log" log verify --pub "$d/keys/fw.pub" "$f"
fifo 3 "log verify: public key" log verify --pub "$f" "$d/honest/fw.log"
fifo 3 "log dump" log dump "$f"
fifo 3 "log check-proof: proof" log check-proof --pub "$d/keys/fw.pub" "$f"
fifo 3 "flowtag show" flowtag show "$f"
# vnfo manifest exits 1 for any input it cannot take (tools/cmd_manifest.c).
fifo 1 "manifest check" manifest check "$f"
fifo 1 "manifest sign: key" manifest sign "$d/manifest.json" --key "$f" --out "$tmp/sig"
fifo 3 "verify: manifest" verify --manifest "$f" --logs "$d/honest" --bill "$d/honest/bill.json"
fifo 3 "verify: bill" verify --manifest "$d/manifest.json" --logs "$d/honest" --bill "$f"
fifo 3 "verify: sampling key" verify --manifest "$d/manifest.json" --logs "$d/honest" \
    --bill "$d/honest/bill.json" --key "$f"
fifo 3 "simulate: capture" simulate --manifest "$d/manifest.json" --pcap "$f" --keys "$d/keys" --out "$tmp/sim"
fifo 3 "account: values" account quantile --q 0.5 --billed 10 "$f"

fifo 3 "verify: --acl" verify --manifest "$d/manifest.json" --logs "$d/honest" --bill "$d/honest/bill.json" \
    --reference firewall --acl "$f"

# A FIFO where an output goes (no process reads it): refused at once, not
# waited on (the open used to block until a reader came).
fifo_out() {
    want=$1 what=$2; shift 2
    expect "$want" "$what" timeout 20 "$vnfo" "$@"
    contains "$tmp/err" "$f: a FIFO that no process reads; refused (writing would block)"
}
fifo_out 3 "tap: --out FIFO" tap --manifest "$d/manifest.json" --node fw --key "$d/keys/fw.key" \
    --sampling-key "$d/keys/sampling.key" --out "$f" --ingress-pcap "$d/capture.pcap" --egress-pcap "$d/capture.pcap"
fifo_out 3 "log prove: --out FIFO" log prove "$d/honest/fw.log" --seq 0 --out "$f"
fifo_out 3 "generate: --out FIFO" generate --out "$f" --packets 3
# Key and signature files are written only as regular files (the library's
# vnfo__file_write): a FIFO is refused, never waited on nor fed a key.
mkfifo "$tmp/node.key"
expect 3 "keygen: NAME.key is a FIFO" timeout 20 "$vnfo" keygen --out "$tmp/node" --force
contains "$tmp/err" "$tmp/node.key: not a regular file (a FIFO); refused"
expect 1 "manifest sign: --out FIFO" timeout 20 "$vnfo" manifest sign "$d/manifest.json" \
    --key "$d/keys/customer.key" --out "$f"
contains "$tmp/err" "$f: not a regular file (a FIFO); refused"
mkdir "$tmp/simout"; mkfifo "$tmp/simout/fw.log"
expect 3 "simulate: a FIFO in place of an output log" timeout 60 "$vnfo" simulate --manifest "$d/manifest.json" \
    --pcap "$d/capture.pcap" --keys "$d/keys" --out "$tmp/simout"
contains "$tmp/err" "$tmp/simout/fw.log: a FIFO that no process reads; refused (writing would block)"
# With a reader the FIFO is an ordinary output (a pipe to another program).
cat "$f" >"$tmp/generated.pcap" &
reader=$!
expect 0 "generate: --out FIFO with a reader" timeout 20 "$vnfo" generate --out "$f" --packets 3
wait $reader
[ "$(wc -c <"$tmp/generated.pcap")" -gt 24 ] || { echo "FAIL: nothing came through the FIFO"; fails=$((fails + 1)); }

# A chain log and an extra log that are FIFOs.
mkdir "$tmp/logs"; cp "$d/honest/"* "$tmp/logs/"
rm "$tmp/logs/fw.log"; mkfifo "$tmp/logs/fw.log"
expect 3 "verify: chain log FIFO" timeout 20 "$vnfo" verify --manifest "$d/manifest.json" \
    --logs "$tmp/logs" --bill "$tmp/logs/bill.json"
contains "$tmp/err" "$tmp/logs/fw.log: not a regular file (a FIFO); refused"
cp "$d/honest/fw.log" "$tmp/logs/fw.log.tmp"; rm "$tmp/logs/fw.log"; mv "$tmp/logs/fw.log.tmp" "$tmp/logs/fw.log"
mkfifo "$tmp/logs/filter.log"
expect 3 "verify: extra log FIFO" timeout 20 "$vnfo" verify --manifest "$d/manifest.json" \
    --logs "$tmp/logs" --bill "$tmp/logs/bill.json"
contains "$tmp/err" "$tmp/logs/filter.log: not a regular file (a FIFO); refused"

# vnfo sample reports the capture it cannot read.
expect 3 "sample: capture" timeout 20 "$vnfo" sample --pcap "$f" --key \
    0000000000000000000000000000000000000000000000000000000000000000
contains "$tmp/err" "not a regular file (a FIFO); refused"

# One batch of 65,536 empty records (unsigned): dump walks it once and
# reports every record as undecodable.  The time bound asserts complexity,
# not machine speed: four times the records may cost at most eight times
# the CPU time of the same run's 16,384 (a re-walk per record costs
# sixteen), whatever the load or the sanitizer.
empty_log() {
    python3 - "$1" "$2" <<'PY'
import struct, sys
n = int(sys.argv[2])
header = bytearray(208)
header[0:4] = b"VNFB"; header[5] = 1; header[6] = 1
header[60:64] = struct.pack(">I", n)
batch = bytes(header) + b"\0\0\0\0" * n
open(sys.argv[1], "wb").write(struct.pack(">I", len(batch)) + batch)
PY
}
# The CPU seconds (user + system) of a command, its output discarded.
cpu_s() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.4f" % (r.ru_utime + r.ru_stime))
PY
}
empty_log "$tmp/empty.log" 65536
empty_log "$tmp/quarter.log" 16384
expect 1 "log dump: 65536 empty records" timeout 60 "$vnfo" log dump "$tmp/empty.log"
[ "$(grep -c 'record [0-9]*: VNFO_E_RECORD_MALFORMED' "$tmp/err")" -eq 65536 ] || {
    echo "FAIL: dump did not report each of the 65536 records"; head -3 "$tmp/err"; fails=$((fails + 1)); }
small=$(cpu_s "$vnfo" log dump "$tmp/quarter.log")
large=$(cpu_s "$vnfo" log dump "$tmp/empty.log")
awk -v s="$small" -v l="$large" 'BEGIN { if (s < 0.01) s = 0.01; exit !(l < 8 * s) }' || {
    echo "FAIL: dump of 16384 empty records took $small s of CPU, of 65536 $large s"; fails=$((fails + 1)); }

cli_finish
