#!/bin/sh
# vnfo manifest check | sign | verify | template, end to end: every shipped
# example and the template pass check; an invalid manifest exits 1 with a
# positioned message; signatures round-trip and a wrong key is refused.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
vnfo="$top_builddir/tools/vnfo"
tmp=$(mktemp -d /tmp/vnfo-manifest-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

for f in "$top_srcdir"/examples/manifests/*.json; do
    "$vnfo" manifest check "$f" >"$tmp/out" 2>&1 || fail "check $f: $(cat "$tmp/out")"
    grep -q '^digest        blake2b:[0-9a-f]\{64\}$' "$tmp/out" || fail "check $f: no digest line"
done

"$vnfo" manifest template >"$tmp/template.json" || fail "template"
"$vnfo" manifest check "$tmp/template.json" >/dev/null 2>&1 || fail "template does not pass check"

sed 's/"node_id": 2/"node_id": 1/' "$top_srcdir/examples/manifests/fw-nat-ids.json" >"$tmp/bad.json"
"$vnfo" manifest check "$tmp/bad.json" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "invalid manifest: exit $rc, expected 1"
grep -qx "$tmp/bad.json:9:56: chain\[1\].node_id: duplicate node id 1 (first at chain\[0\])" "$tmp/err" \
    || fail "invalid manifest message: $(cat "$tmp/err")"
"$vnfo" manifest check "$tmp/missing.json" >/dev/null 2>&1
[ $? -eq 3 ] || fail "missing file: expected exit 3"

# Keys of the examples: seeds of 32 bytes 0x01 (customer), 0x02 (provider),
# 0x05 (the IDS node, which is no party).
printf 'vnfo-ed25519-secret:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\n' >"$tmp/customer.key"
printf 'vnfo-ed25519-secret:AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=\n' >"$tmp/provider.key"
printf 'vnfo-ed25519-secret:BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU=\n' >"$tmp/node.key"
chmod 600 "$tmp"/*.key
printf 'ed25519:iojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w=\n' >"$tmp/customer.pub"
printf 'ed25519:gTl3Dqh9F19Wo1Rmw0x+zMuNipG07jeiXfYPW4/Js5Q=\n' >"$tmp/provider.pub"
m="$top_srcdir/examples/manifests/fw-nat-ids.json"

"$vnfo" manifest sign "$m" --key "$tmp/customer.key" --out "$tmp/c.sig" || fail "sign (customer)"
"$vnfo" manifest sign "$m" --key "$tmp/provider.key" >"$tmp/p.sig" || fail "sign (provider) to stdout"
head -2 "$tmp/p.sig" | tail -1 | grep -qx 'party: provider' || fail "provider signature file"
"$vnfo" manifest verify "$m" --sig "$tmp/c.sig" --pub "$tmp/customer.pub" >/dev/null || fail "verify customer"
"$vnfo" manifest verify "$m" --sig "$tmp/p.sig" --pub "$tmp/provider.pub" >/dev/null || fail "verify provider"
"$vnfo" manifest verify "$m" --sig "$tmp/c.sig" --pub "$tmp/provider.pub" >/dev/null 2>&1
[ $? -eq 1 ] || fail "verify with the other party's key must exit 1"
"$vnfo" manifest sign "$m" --key "$tmp/node.key" --out "$tmp/n.sig" >/dev/null 2>&1
[ $? -eq 1 ] || fail "signing with a key that is no party's must exit 1"
"$vnfo" manifest verify "$top_srcdir/examples/manifests/single-ids.json" --sig "$tmp/c.sig" \
    --pub "$tmp/customer.pub" >/dev/null 2>&1
[ $? -eq 1 ] || fail "a signature of another manifest must exit 1"
# The sampling key the example commits to (32 x 0x41), and another one.
printf 'vnfo-sampling-key:%s\n' 4141414141414141414141414141414141414141414141414141414141414141 >"$tmp/s.key"
printf 'vnfo-sampling-key:%s\n' 4242424242424242424242424242424242424242424242424242424242424242 >"$tmp/other.key"
chmod 600 "$tmp/s.key" "$tmp/other.key"
"$vnfo" manifest check "$m" --sampling-key "$tmp/s.key" >"$tmp/out" 2>&1 || fail "sampling key check: $(cat "$tmp/out")"
grep -q '^sampling key .* matches sampling.key_commitment' "$tmp/out" || fail "sampling key line missing"
"$vnfo" manifest check "$m" --sampling-key "$tmp/other.key" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "a wrong sampling key must exit 1"
grep -q 'VNFO_E_MANIFEST_KEY_MISMATCH\|is not the key "k2026-11"' "$tmp/err" || fail "wrong sampling key message: $(cat "$tmp/err")"

"$vnfo" manifest bogus >/dev/null 2>&1
[ $? -eq 64 ] || fail "unknown subcommand must exit 64"

[ $fails -eq 0 ] && echo "manifest_cli: all passed"
exit $((fails != 0))
