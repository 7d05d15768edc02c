"""Loading of the compiled extension, the version check, and ``check()``,
which turns a failing status into the matching ``vnfo.Error``."""

from __future__ import annotations

import enum
from typing import NoReturn, Optional

from . import errors

#: The libvnfo major and minor version this package is written for.  The
#: library must have the same major and at least this minor (minor releases
#: only add functions).
EXPECTED_MAJOR = 0
EXPECTED_MINOR = 2


class IncompatibleLibraryError(ImportError):
    """The loaded libvnfo cannot serve this package (raised at import)."""


try:
    from ._vnfo import ffi, lib  # type: ignore[import-not-found]
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise IncompatibleLibraryError(
        f"vnfo: cannot load the compiled extension vnfo._vnfo ({exc}). Build it against "
        "an installed libvnfo with `pip install ./bindings/python` after `make install`, "
        "or against a build tree with VNFO_BUILD_DIR=<build> set while installing; a "
        "libvnfo older than the headers the extension was compiled with also fails "
        "here with an undefined symbol") from exc


def _split(number: int):
    return number // 10000, number // 100 % 100, number % 100


def library_path() -> str:
    """The libvnfo file the dynamic loader mapped for this process (found
    through the extension's RUNPATH, ``LD_LIBRARY_PATH`` or the system
    paths), as the loader names it; "" if it cannot tell."""
    return ffi.string(lib.vnfo_py_library_path()).decode("utf-8", "surrogateescape")


def rebuild_advice() -> str:
    """How to rebuild the bindings against the intended libvnfo."""
    import os
    advice = ("Install a matching libvnfo, then rebuild the bindings against it: "
              "PKG_CONFIG_PATH=<prefix>/lib/pkgconfig pip install --force-reinstall "
              "./bindings/python (every install compiles the extension afresh and records "
              "<prefix>/lib as its RUNPATH), or VNFO_BUILD_DIR=<build tree> for an "
              "uninstalled build.")
    if os.environ.get("LD_LIBRARY_PATH"):
        advice += (" LD_LIBRARY_PATH is set and is searched before the RUNPATH: unset it "
                   "or put the intended library first.")
    return advice


def check_compatible(runtime: int, header: int) -> None:
    """Raise IncompatibleLibraryError unless a library of version ``runtime``
    (MAJOR*10000+MINOR*100+PATCH) serves this package compiled against
    headers of version ``header``."""
    rmaj, rmin, rpat = _split(runtime)
    hmaj, hmin, hpat = _split(header)
    problems = []
    if rmaj != EXPECTED_MAJOR or rmin < EXPECTED_MINOR:
        problems.append(f"this vnfo package needs libvnfo {EXPECTED_MAJOR}.{EXPECTED_MINOR} "
                        f"or a later {EXPECTED_MAJOR}.x")
    if rmaj != hmaj or rmin < hmin:
        problems.append(f"the extension was compiled against libvnfo {hmaj}.{hmin}.{hpat} "
                        "headers and needs that library or a later minor release")
    if problems:
        raise IncompatibleLibraryError(
            f"vnfo: the loaded libvnfo ({library_path() or 'file unknown'}) is "
            f"{rmaj}.{rmin}.{rpat}, but " + "; and ".join(problems) + ". " + rebuild_advice())


check_compatible(int(lib.vnfo_version_number()), int(lib.vnfo_py_header_version))


def _status_members():
    members = {}
    for name in dir(lib):
        if name == "VNFO_OK" or name.startswith("VNFO_E_"):
            members[name[7:] if name.startswith("VNFO_E_") else "OK"] = getattr(lib, name)
    return dict(sorted(members.items(), key=lambda kv: kv[1]))


#: Every status code the bound modules declare, e.g. ``Status.KEY_FORMAT``.
Status = enum.IntEnum("Status", _status_members())  # type: ignore[misc]


def status_name(status: int) -> str:
    """The C name of a status, e.g. ``"VNFO_E_NO_MEMORY"``."""
    return ffi.string(lib.vnfo_status_name(status)).decode()


def strerror(status: int) -> str:
    """The library's description of a status."""
    return ffi.string(lib.vnfo_strerror(status)).decode()


def raise_status(status: int, path: Optional[str] = None,
                 message: Optional[str] = None) -> NoReturn:
    """Raise the exception of a failing status, with the thread's message."""
    if message is None:
        # The thread-local message belongs to this failure only if its status
        # matches (hot-path functions record none and leave an older one).
        if lib.vnfo_error_status() == status:
            message = ffi.string(lib.vnfo_error_message()).decode("utf-8", "replace")
        if not message:
            message = strerror(status)
    name = status_name(status)
    raise errors.error_class(status, name)(status, message, status_name=name, path=path)


def check(status: int, path: Optional[str] = None) -> None:
    """Return if ``status`` is VNFO_OK, raise its ``vnfo.Error`` otherwise."""
    if status != 0:
        raise_status(status, path)


def fspath(path) -> bytes:
    """A path argument (str, bytes or os.PathLike) as C bytes."""
    import os
    p = os.fsencode(path)
    if b"\0" in p:
        raise errors.InvalidArgument(int(lib.VNFO_E_INVALID_ARGUMENT),
                                     f"{path!r}: path contains a NUL byte",
                                     status_name="VNFO_E_INVALID_ARGUMENT")
    return p


def initialize() -> None:
    """vnfo_init(), raising CryptoError when libsodium cannot start."""
    check(lib.vnfo_init())
