"""The ``vnfo.Error`` hierarchy, mapped from libvnfo status codes.

Every failing C call becomes an exception whose class says the family of
the failure (bad argument, file, format, signature, manifest, ...) and
which carries the C status (``.status``, ``.status_name``), the library's
message naming the place (``.message``) and, where there is one, the path
and the position (``.path``, ``.line``, ``.column``).  Classes also derive
from the matching built-in exception (``ValueError``, ``OSError``,
``FileNotFoundError``, ``MemoryError``...) so generic handlers keep working.

The class of a status is chosen by its name first (a table below), then by
the numeric block of its module (common.h: packet 20-39, sampler 40-59...),
so a code that a newer library adds still lands in its family.
"""

from __future__ import annotations

import re
from typing import Dict, Optional, Tuple, Type

__all__ = [
    "Error", "InvalidArgument", "StructVersionError", "NoMemory", "BufferTooSmall",
    "FileError", "NotFound", "KeyPermissionsError", "FormatError", "UnsupportedVersion",
    "KeyFormatError", "LimitExceeded", "CryptoError", "ArithmeticOverflow",
    "NotInitialized", "SignatureError", "PacketError", "SamplerError", "RecordError",
    "LogError", "LogFormatError", "LogIntegrityError", "BillError", "ManifestError", "FlowTagError", "AccountError", "VerificationError",
    "error_class",
]

# "path:line:column: rest": the place a parser names (manifest, JSON files).
# "... byte 54: ..." / "... offset 54 ...": a byte offset in the input.
_OFFSET = re.compile(r"\b(?:byte|offset) (\d+)\b")
_PLACE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<column>\d+): "
                    r"(?:(?P<json_path>[A-Za-z_$][\w.\[\]:$-]*): )?")


class Error(Exception):
    """Base class of every libvnfo failure.

    Attributes:
        status: the numeric ``vnfo_status``.
        status_name: its symbolic name, e.g. ``"VNFO_E_KEY_FORMAT"``.
        message: the library's message (the place and the reason), or the
            status description when the library recorded none.
        path: the file involved, when known.
        line, column: the 1-based position in that file, when known.
        offset: the byte offset in the input (records, logs), when named.
            For a log fault it is the offset in the FILE (or buffer) of the
            faulty batch's length prefix, as ``BatchInfo.offset``, whatever
            the fault; the message may add a byte inside the batch.
        json_path: the member of a JSON document (manifest, bill) that is
            wrong, e.g. ``"chain[1].node_id"``, when the message names one.
    """

    def __init__(self, status: int, message: str, *, status_name: str = "",
                 path: Optional[str] = None, line: Optional[int] = None,
                 column: Optional[int] = None, offset: Optional[int] = None) -> None:
        super().__init__(message)
        self.status = int(status)
        self.status_name = status_name
        self.message = message
        m = _PLACE.match(message)
        self.json_path = m["json_path"] if m else None
        o = _OFFSET.search(message)
        if offset is None and o:
            offset = int(o.group(1))
        self.offset = offset
        if m and line is None:
            line, column = int(m["line"]), int(m["column"])
            path = path or m["path"]
        self.path = path
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return f"{self.message} [{self.status_name}]" if self.status_name else self.message

    def __reduce__(self):
        # Exceptions cross process boundaries (Dask workers): keep every field.
        return (_rebuild, (type(self), self.status, self.message, self.status_name,
                           self.path, self.line, self.column, self.offset))


def _rebuild(cls, status, message, status_name, path, line, column, offset=None):
    return cls(status, message, status_name=status_name, path=path, line=line, column=column,
               offset=offset)


class InvalidArgument(Error, ValueError):
    """A NULL, empty or out-of-range argument (VNFO_E_INVALID_ARGUMENT)."""


class StructVersionError(InvalidArgument):
    """An options struct version the library does not know (VNFO_E_STRUCT_VERSION)."""


class NoMemory(Error, MemoryError):
    """An allocation failed (VNFO_E_NO_MEMORY)."""


class BufferTooSmall(Error):
    """An output buffer was too small (VNFO_E_BUFFER_TOO_SMALL)."""


class FileError(Error, OSError):
    """Reading or writing a file failed (VNFO_E_IO), or the path is not a
    regular file (VNFO_E_NOT_REGULAR_FILE: a FIFO, directory or device)."""


class NotFound(FileError, FileNotFoundError):
    """A file, key or entry does not exist (VNFO_E_NOT_FOUND)."""


class KeyPermissionsError(FileError, PermissionError):
    """A secret key file gives group or others some access (VNFO_E_KEY_PERMISSIONS)."""


class FormatError(Error, ValueError):
    """Encoded input is malformed."""


class UnsupportedVersion(FormatError):
    """An encoded object is newer than this library reads (VNFO_E_UNSUPPORTED_VERSION)."""


class KeyFormatError(FormatError):
    """A key or key file is malformed (VNFO_E_KEY_FORMAT)."""


class LimitExceeded(Error, ValueError):
    """An input exceeds a size, count or depth limit (VNFO_E_LIMIT_EXCEEDED)."""


class CryptoError(Error):
    """The cryptographic library failed (VNFO_E_CRYPTO)."""


class ArithmeticOverflow(Error, OverflowError):
    """A result does not fit its type (VNFO_E_OVERFLOW)."""


class NotInitialized(Error, RuntimeError):
    """vnfo_init() has not succeeded (VNFO_E_NOT_INITIALIZED)."""


class SignatureError(Error):
    """A signature does not verify (VNFO_E_SIGNATURE_INVALID and the log's
    batch signature failures)."""


class PacketError(FormatError):
    """A packet cannot be parsed (packet block 20-39)."""


class SamplerError(Error):
    """Sampler configuration or key epoch failures (sampler block 40-59)."""


class RecordError(FormatError):
    """A log record cannot be encoded or decoded (record block 60-79)."""


class LogError(Error):
    """Log batches, chains, sequences and log files (log block 80-109)."""


class LogFormatError(LogError, FormatError):
    """Log bytes are not well-formed, or end inside a batch (VNFO_E_LOG_MALFORMED,
    VNFO_E_LOG_TRUNCATED)."""


class LogIntegrityError(LogError):
    """Well-formed log batches that do not add up: a broken chain, a sequence
    gap, a duplicate or reordered batch, a wrong manifest digest, node or
    Merkle root, an invalid inclusion proof."""


class ManifestError(FormatError):
    """The verification manifest is malformed or invalid (block 110-139).

    ``.path``, ``.line`` and ``.column`` locate the error in the JSON file.
    """


class FlowTagError(Error):
    """FlowTag tables, carriers and mappings (block 140-159)."""


class AccountError(Error):
    """Accounting accumulators, estimators and bills (block 160-189)."""


class VerificationError(Error):
    """Verification and report failures (block 190-219)."""


class BillError(VerificationError, FormatError):
    """A provider's bill is malformed, names an unknown resource or does not
    match the manifest (VNFO_E_BILL_*); ``.path``, ``.line``, ``.column``
    locate syntax and schema errors."""


# Name -> class, for codes whose family is not their module's block.
_BY_NAME: Dict[str, Type[Error]] = {
    "VNFO_E_INVALID_ARGUMENT": InvalidArgument,
    "VNFO_E_NO_MEMORY": NoMemory,
    "VNFO_E_BUFFER_TOO_SMALL": BufferTooSmall,
    "VNFO_E_IO": FileError,
    "VNFO_E_NOT_FOUND": NotFound,
    "VNFO_E_UNSUPPORTED_VERSION": UnsupportedVersion,
    "VNFO_E_LIMIT_EXCEEDED": LimitExceeded,
    "VNFO_E_CRYPTO": CryptoError,
    "VNFO_E_STRUCT_VERSION": StructVersionError,
    "VNFO_E_OVERFLOW": ArithmeticOverflow,
    "VNFO_E_NOT_INITIALIZED": NotInitialized,
    "VNFO_E_NOT_REGULAR_FILE": FileError,
    "VNFO_E_KEY_FORMAT": KeyFormatError,
    "VNFO_E_SIGNATURE_INVALID": SignatureError,
    "VNFO_E_KEY_PERMISSIONS": KeyPermissionsError,
    "VNFO_E_LOG_MALFORMED": LogFormatError,
    "VNFO_E_LOG_TRUNCATED": LogFormatError,
    "VNFO_E_LOG_BROKEN_CHAIN": LogIntegrityError,
    "VNFO_E_LOG_SEQUENCE_GAP": LogIntegrityError,
    "VNFO_E_LOG_DUPLICATE": LogIntegrityError,
    "VNFO_E_LOG_REORDERED": LogIntegrityError,
    "VNFO_E_LOG_MANIFEST_MISMATCH": LogIntegrityError,
    "VNFO_E_LOG_ROOT_MISMATCH": LogIntegrityError,
    "VNFO_E_LOG_NODE_MISMATCH": LogIntegrityError,
    "VNFO_E_LOG_PROOF_INVALID": LogIntegrityError,
    "VNFO_E_BILL_FORMAT": BillError,
    "VNFO_E_BILL_UNKNOWN_RESOURCE": BillError,
    "VNFO_E_BILL_MISMATCH": BillError,
}

# Module blocks of common.h, for every other code.
_BY_BLOCK: Tuple[Tuple[int, int, Type[Error]], ...] = (
    (20, 39, PacketError),
    (40, 59, SamplerError),
    (60, 79, RecordError),
    (80, 109, LogError),
    (110, 139, ManifestError),
    (140, 159, FlowTagError),
    (160, 189, AccountError),
    (190, 219, VerificationError),
    (220, 239, KeyFormatError),
)


def register(name: str, cls: Type[Error]) -> None:
    """Map one status name to a class (used by the module bindings)."""
    _BY_NAME[name] = cls


def error_class(status: int, name: str = "") -> Type[Error]:
    """The exception class for a status number and its symbolic name."""
    if name in _BY_NAME:
        return _BY_NAME[name]
    for lo, hi, cls in _BY_BLOCK:
        if lo <= status <= hi:
            return cls
    return Error
