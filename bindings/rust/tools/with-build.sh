#!/bin/sh
# Run a command (cargo ...) against an uninstalled libvnfo build tree:
#
#   bindings/rust/tools/with-build.sh BUILD_DIR cargo test --release
#
# Writes BUILD_DIR/rust-pkgconfig/vnfo.pc, whose Libs and Cflags point into
# the build and source trees, puts it first on PKG_CONFIG_PATH (vnfo-sys
# links through pkg-config) and BUILD_DIR/.libs on LD_LIBRARY_PATH (so test
# binaries load the library just built, not an installed one).  Nothing is
# installed.  ./quickstart test uses it.
set -eu
[ $# -ge 2 ] || { echo "usage: with-build.sh BUILD_DIR COMMAND [ARGS...]" >&2; exit 64; }
build=$(cd "$1" && pwd); shift
top=$(cd "$(dirname "$0")/../../.." && pwd)
[ -f "$build/.libs/libvnfo.so" ] || { echo "with-build.sh: $build/.libs/libvnfo.so not found: run make in $build" >&2; exit 1; }
version=$(sed -n 's/^Version: *//p' "$build/vnfo.pc")
pcdir=$build/rust-pkgconfig
mkdir -p "$pcdir"
cat >"$pcdir/vnfo.pc.tmp" <<PC
# Uninstalled libvnfo of $build, written by bindings/rust/tools/with-build.sh.
Name: libvnfo
Description: libvnfo build tree (uninstalled)
Version: $version
Libs: -L$build/.libs -lvnfo
Cflags: -I$top/include -I$build/include
PC
mv "$pcdir/vnfo.pc.tmp" "$pcdir/vnfo.pc"
PKG_CONFIG_PATH=$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
LD_LIBRARY_PATH=$build/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
VNFO_BUILD_DIR=$build
export PKG_CONFIG_PATH LD_LIBRARY_PATH VNFO_BUILD_DIR
exec "$@"
