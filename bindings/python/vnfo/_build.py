"""cffi builder of the extension module ``vnfo._vnfo`` (out-of-line API mode).

The C compiler checks every declaration of ``vnfo/_cdefs/*.h`` against the
real headers, so a wrong prototype fails the build instead of corrupting
memory at run time.  Where the headers and the library come from:

- ``VNFO_BUILD_DIR`` set: an uninstalled build tree.  Headers from
  ``<src>/include`` and ``<build>/include`` (the generated version.h), the
  library from ``<build>/.libs``, with an rpath so the module loads without
  ``LD_LIBRARY_PATH``.  ``<src>`` is ``VNFO_SOURCE_DIR`` or the checkout
  this file lives in.
- otherwise: the installed library, located with ``pkg-config vnfo``.

Run as a script (``python vnfo/_build.py [tmpdir]``) it compiles in place.
"""

import os
import pathlib
import shlex
import subprocess
import sys

from cffi import FFI

HERE = pathlib.Path(__file__).resolve().parent
CDEF_DIR = HERE / "_cdefs"

# The bound modules, in dependency order (later cdefs use earlier types).
# A module is listed here once its header is in main and its cdef written.
MODULES = ("common", "key", "packet", "sampler", "record", "log", "manifest", "flowtag",
           "account", "report", "bill", "verify")

# Each module may bring glue C compiled into the extension itself
# (_cdefs/<module>.c, declared in _cdefs/<module>.glue.h): helpers that are
# not libvnfo API, such as the burst loop over offsets of one buffer.  Glue
# declarations live apart from the cdefs written from the headers, so those
# can be regenerated without losing them.


def cdef_text():
    """The concatenated cdef of every bound module: <module>.h, written
    from the public header (tools/make_cdef.py), then <module>.glue.h, the
    declarations of this package's own glue (extern "Python" callbacks,
    static helpers of <module>.c)."""
    parts = []
    for m in MODULES:
        parts.append((CDEF_DIR / f"{m}.h").read_text())
        glue = CDEF_DIR / f"{m}.glue.h"
        if glue.exists():
            parts.append(glue.read_text())
    return "\n".join(parts)


def glue_source():
    """The extension's C source: the umbrella header, then each module's glue."""
    parts = ["#include <vnfo/vnfo.h>"]
    parts += [(CDEF_DIR / f"{m}.c").read_text() for m in MODULES
              if (CDEF_DIR / f"{m}.c").exists()]
    return "\n".join(parts)


def _source_dir():
    env = os.environ.get("VNFO_SOURCE_DIR")
    root = pathlib.Path(env) if env else HERE.parents[2]
    if not (root / "include" / "vnfo" / "common.h").is_file():
        raise RuntimeError(
            f"vnfo build: {root}/include/vnfo/common.h not found; set VNFO_SOURCE_DIR "
            "to the libvnfo source tree (VNFO_BUILD_DIR is set)")
    return root


def _in_tree(build):
    build = pathlib.Path(build).resolve()
    libs = build / ".libs"
    if not (libs / "libvnfo.so").exists():
        raise RuntimeError(f"vnfo build: {libs}/libvnfo.so not found; run make in {build}")
    src = _source_dir()
    return {
        "include_dirs": [str(src / "include"), str(build / "include")],
        "library_dirs": [str(libs)],
        "extra_link_args": [f"-Wl,-rpath,{libs}"],
    }


def _pkg_config():
    try:
        out = subprocess.run(["pkg-config", "--cflags", "--libs", "vnfo"], check=True,
                             capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        raise RuntimeError(
            "vnfo build: `pkg-config vnfo` failed; install libvnfo (make install) and "
            "set PKG_CONFIG_PATH, or set VNFO_BUILD_DIR to a build tree: "
            + detail.strip()) from exc
    flags = shlex.split(out)
    libdirs = [f[2:] for f in flags if f.startswith("-L")]
    return {
        "include_dirs": [f[2:] for f in flags if f.startswith("-I")],
        "library_dirs": libdirs,
        # An rpath to a prefix such as /usr/local/lib spares users ldconfig.
        "extra_link_args": [f"-Wl,-rpath,{d}" for d in libdirs],
    }


def build_options():
    build = os.environ.get("VNFO_BUILD_DIR")
    return _in_tree(build) if build else _pkg_config()


def make_ffibuilder():
    builder = FFI()
    builder.cdef(cdef_text())
    builder.set_source(
        "vnfo._vnfo",
        glue_source(),
        libraries=["vnfo"],
        extra_compile_args=["-O2"],
        **build_options())
    return builder


if __name__ == "__main__":
    tmpdir = sys.argv[1] if len(sys.argv) > 1 else str(HERE.parent / "build" / "cffi")
    print(make_ffibuilder().compile(tmpdir=tmpdir, verbose=False))
