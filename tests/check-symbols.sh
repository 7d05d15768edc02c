#!/bin/sh
# The dynamic symbols exported by libvnfo.so must be exactly the functions
# declared with VNFO_API in include/vnfo/*.h: nothing leaks, nothing is lost.
set -eu
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
lib="$builddir/.libs/libvnfo.so"
[ -f "$lib" ] || { echo "no $lib (shared library not built)"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# Declarations: join each header into one line per statement, then take the
# identifier in front of the first "(" of every VNFO_API statement.
for h in "$srcdir"/include/vnfo/*.h; do
    tr '\n' ' ' < "$h" | tr ';{}' '\n\n\n'
done | grep -E '(^|[^A-Za-z_])VNFO_API[[:space:]]' | grep -v '#define' \
    | sed -E 's/^.*VNFO_API[[:space:]]+//; s/[[:space:]]*\(.*$//; s/.*[^A-Za-z0-9_]//' \
    | sort -u > "$tmp/declared"

nm -D --defined-only "$lib" | awk '$2 ~ /^[TtWi]$/ {print $3}' | sed 's/@.*//' \
    | sort -u > "$tmp/exported"

if ! cmp -s "$tmp/declared" "$tmp/exported"; then
    echo "exported symbols differ from VNFO_API declarations (< declared only, > exported only):"
    diff "$tmp/declared" "$tmp/exported" | grep '^[<>]'
    exit 1
fi
# Every exported symbol is bound to a version node.
if nm -D --defined-only --with-symbol-versions "$lib" 2>/dev/null | awk '$2 ~ /^[Tt]$/' | grep -qv '@VNFO_'; then
    echo "an exported function has no VNFO_ version node:"
    nm -D --defined-only --with-symbol-versions "$lib" | awk '$2 ~ /^[Tt]$/' | grep -v '@VNFO_'
    exit 1
fi
echo "ok: $(wc -l < "$tmp/exported") exported symbols match the VNFO_API declarations"
