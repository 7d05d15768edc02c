"""vnfo: Python bindings of libvnfo, verifiable outsourced network functions.

Importing the package loads the compiled extension, checks that the loaded
libvnfo is compatible (same major, at least the expected minor; otherwise
``vnfo.IncompatibleLibraryError``, an ``ImportError``) and calls
``vnfo_init()``.  ``vnfo.library_path()`` names the libvnfo file loaded.  See docs/python.md.
"""

from __future__ import annotations

from ._ffi import (EXPECTED_MAJOR, EXPECTED_MINOR, IncompatibleLibraryError, Status,
                   initialize as _initialize, lib as _lib, ffi as _ffi_obj, library_path,
                   status_name, strerror)
from .errors import *  # noqa: F401,F403  (the Error hierarchy)
from .errors import __all__ as _errors_all
from .keys import PublicKey, SigningKey
from .packet import FieldSet, FlowKey, LinkType, Packet
from .sampler import Decision, Sampler
from .record import EpochStart, FlowTagMapRecord, Heartbeat, LossNotice, PacketRecord, PeriodClose
from .account import Accumulator
from .flowtag import FlowTagTable
from .log import LogReader, LogWriter, open_log
from .manifest import Manifest
from .report import Category, Check, Report, Verdict
from .bill import Bill
from .verify import Verifier, verify_dir
from . import (account, bill, flowtag, keys, log, manifest, packet, record,  # noqa: F401
               reference, relation, report, sampler, verify)


def __getattr__(name):
    # vnfo.plot needs numpy and matplotlib, vnfo.scale pandas or Dask:
    # imported on first use, so the core package needs only cffi.
    if name in ("plot", "scale", "scale_checks", "testing"):
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__version__ = "0.2.0"

_initialize()


def library_version() -> str:
    """The run-time libvnfo version, "MAJOR.MINOR.PATCH"."""
    return _ffi_obj.string(_lib.vnfo_version_string()).decode()


__all__ = ["__version__", "library_version", "library_path", "Status", "status_name", "strerror",
           "IncompatibleLibraryError", "EXPECTED_MAJOR", "EXPECTED_MINOR",
           "PublicKey", "SigningKey", "Packet", "FieldSet", "FlowKey", "LinkType", "Sampler", "Decision",
           "PacketRecord", "FlowTagMapRecord", "LossNotice", "EpochStart", "Heartbeat", "PeriodClose",
           "Accumulator", "FlowTagTable", "LogWriter", "LogReader", "open_log", "Manifest", "Report", "Check", "Verdict", "Category", "Bill", "Verifier", "verify_dir"] + list(_errors_all)
