#!/bin/sh
# The lab (examples/lab/lab.sh, docs/lab.md): the kernel's conntrack firewall
# and pool NAT and the NFQUEUE appliance as the provider, verified by `vnfo
# verify` with the stateful-firewall and masquerade-nat relations.  The
# honest chain passes, on generated traffic and on a real capture; each of
# eight cheats done with the kernel fails the check docs/lab.md names for it
# (the skipped IDS is the chain's last function: drops.attribution).
# Skips (exit 77, reason printed) where network namespaces cannot be made.
set -u
lab=${top_srcdir:-.}/examples/lab/lab.sh
export VNFO_BUILD_DIR=${top_builddir:-.}
# This test's namespaces carry its own prefix, so a concurrent lab is not ours.
export VNFO_LAB_PREFIX=t$$x
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# run NAME [lab options]: the report in $tmp/NAME/report.json
run() {
    name=$1; shift
    bash "$lab" --out "$tmp/$name" "$@" > "$tmp/$name.txt" 2>&1
    rc=$?
    [ $rc -eq 77 ] && { cat "$tmp/$name.txt"; exit 77; }
    [ $rc -le 2 ] || fail "$name: lab exit $rc: $(tail -5 "$tmp/$name.txt")"
    cat "$tmp/$name.txt"
}
verdict() {
    python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))
print(next((c["verdict"] for c in r["checks"] if c["check"] == sys.argv[2]), "absent"))' "$tmp/$1/report.json" "$2"
}
expect() { # expect NAME CHECK VERDICT
    got=$(verdict "$1" "$2")
    [ "$got" = "$3" ] || fail "$1: $2 is $got, expected $3: $(grep -v '^  PASS' "$tmp/$1/report.txt")"
}
reason() { # reason NAME CHECK TEXT: an example of the check names TEXT
    grep -A3 "  FAIL .* $2 " "$tmp/$1/report.txt" | grep -qF -- "$3" || fail "$1: $2 does not say \"$3\": $(grep -A3 "$2" "$tmp/$1/report.txt")"
}
# Statistical checks on real timings may stay INCONCLUSIVE (a right-skewed
# delay sample never PASSes an SLA mean, docs/accounting.md); none may FAIL.
honest() { # no check fails, every functional check passes
    grep -q '"verdict": "FAIL"' "$tmp/$1/report.json" && fail "$1: $(grep -v '^  PASS' "$tmp/$1/report.txt")"
    for c in logs.integrity sampling.consistency chain.complete chain.order hop.links function.unmodified \
             drops.attribution relation.fw relation.nat reference.ids; do
        expect "$1" "$c" PASS
    done
}

run honest
honest honest
# The live taps' and the appliance's logs, read by the verifier written from
# docs/FORMAT.md alone: valid, and the records libvnfo's reader counts.
reader=${top_srcdir:-.}/tests/python/cleanroom_vnfo_reader.py
if [ -f "$reader" ] && python3 -c 'import cryptography' 2>/dev/null; then
    for n in fw nat ids; do
        want=$("$VNFO_BUILD_DIR/tools/vnfo" log verify --pub "$tmp/honest/keys/$n.pub" "$tmp/honest/logs/$n.log" |
               sed -n 's/^[0-9]* batches, \([0-9]*\) records, .*: VALID$/VALID \1/p')
        got=$(python3 "$reader" --pub "$tmp/honest/keys/$n.pub" "$tmp/honest/logs/$n.log")
        [ -n "$want" ] && [ "$got" = "$want" ] || fail "honest: $n.log: vnfo log verify says '$want', the clean-room reader '$got'"
    done
    echo "lab: honest: the clean-room reader reads the live logs as libvnfo does"
fi
expect honest bill.packets PASS
# The kernel was stateful: the sink's replies made flows established, and
# the NAT chose ports of its own for the flows whose port was outside its
# range (conntrack's own table, when conntrack-tools is installed).
if [ -s "$tmp/honest/conntrack-nat.txt" ]; then
    grep -q "src=" "$tmp/honest/conntrack-fw.txt" || fail "honest: no flow in the firewall's conntrack"
    grep -q UNREPLIED "$tmp/honest/conntrack-fw.txt" && fail "honest: a flow saw no reply: $(grep UNREPLIED "$tmp/honest/conntrack-fw.txt" | head -3)"
    moved=$(awk '/src=/ { n = 0; for (i = 1; i <= NF; i++) if ($i ~ /^(sport|dport)=/) p[++n] = substr($i, 7)
                          if (n >= 4 && p[1] != p[4]) moved++ } END { print moved + 0 }' "$tmp/honest/conntrack-nat.txt")
    [ "$moved" -gt 0 ] || fail "honest: the NAT kept every port; the relation saw no port the kernel chose"
    echo "lab: honest: the NAT chose another port for $moved flows, and every flow saw a reply"
else
    echo "lab: conntrack-tools not installed: the kernel's flow table is not inspected"
fi
real=${VNFO_PCAP_DIR:-}/tcpdump/afs.pcap
if [ -f "$real" ]; then
    run real --pcap "$real"
    honest real
else
    echo "lab: no real capture (VNFO_PCAP_DIR unset or without tcpdump/afs.pcap): generated traffic only"
fi
run drops --cheat drops;                       expect drops relation.fw FAIL
run rewrites-payload --cheat rewrites-payload; expect rewrites-payload function.unmodified FAIL
run skips-function --cheat skips-function;     expect skips-function drops.attribution FAIL
run wrong-nat --cheat wrong-nat;               expect wrong-nat relation.nat FAIL
run pads-bill --cheat pads-bill;               expect pads-bill bill.packets FAIL
run adds-delay --cheat adds-delay;             expect adds-delay sla.ids.delay.mean FAIL
run fw-forwards-unopenable --cheat fw-forwards-unopenable
expect fw-forwards-unopenable relation.fw FAIL
reason fw-forwards-unopenable relation.fw "the ACL denies it in both directions: no allowed packet could have opened its flow"
run nat-splits-flow --cheat nat-splits-flow
expect nat-splits-flow relation.nat FAIL
reason nat-splits-flow relation.nat "one original flow, two rewritten tuples: conflicts with label"
ip netns list | grep -q "^$VNFO_LAB_PREFIX" && fail "namespaces left behind: $(ip netns list)"
echo "ok: lab: honest chain passes, eight kernel cheats caught"
