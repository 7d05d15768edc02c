#!/bin/sh
# Every public header compiles on its own (it includes what it uses), as C11
# with -pedantic and, when a C++ compiler is present, as C++.
set -u
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
cc=${CC:-cc}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
for h in "$srcdir"/include/vnfo/*.h; do
    name=$(basename "$h")
    printf '#include <vnfo/%s>\nint vnfo_header_test_;\n' "$name" > "$tmp/t.c"
    if ! $cc -std=c11 -Wall -Wextra -pedantic -Werror -fsyntax-only -I"$srcdir/include" \
        -I"$builddir/include" "$tmp/t.c" 2>"$tmp/err"; then
        echo "FAIL: $name is not self-contained C11:"; cat "$tmp/err"; fails=$((fails + 1))
    fi
    if command -v c++ >/dev/null 2>&1 && ! c++ -x c++ -std=c++11 -Wall -Wextra -Werror -fsyntax-only \
        -I"$srcdir/include" -I"$builddir/include" "$tmp/t.c" 2>"$tmp/err"; then
        echo "FAIL: $name does not compile as C++:"; cat "$tmp/err"; fails=$((fails + 1))
    fi
done
[ "$fails" -eq 0 ] || exit 1
echo "ok: every public header compiles alone as C11 and C++"
