"""The provider's bill (include/vnfo/bill.h, docs/bill.md): billing period,
chain totals and per-function totals, parsed strictly (errors raise
``vnfo.BillError`` with ``.path``, ``.line``, ``.column``)."""

from __future__ import annotations

import datetime as _dt
import os
from typing import Dict, Optional, Tuple

from ._ffi import check, ffi, fspath, lib

__all__ = ["Bill", "resource_known"]


def resource_known(name: str) -> bool:
    """Whether a bill may name this resource ("packets", "bytes",
    "cpu_cycles", "mem_bytes", "vendor:<name>")."""
    return bool(lib.vnfo_bill_resource_known(name.encode()))


def _str(p) -> str:
    return ffi.string(p).decode() if p != ffi.NULL else ""


class Bill:
    """A parsed, immutable bill."""

    __slots__ = ("_c", "__weakref__")

    def __init__(self, text, name: Optional[str] = None) -> None:
        """Parse a bill from JSON text (str or bytes); ``name`` is used in
        error messages (a file name)."""
        data = text.encode() if isinstance(text, str) else bytes(text)
        out = ffi.new("vnfo_bill **")
        check(lib.vnfo_bill_parse(out, data, len(data), name.encode() if name else ffi.NULL),
              name)
        self._c = ffi.gc(out[0], lib.vnfo_bill_free)

    @classmethod
    def load(cls, path) -> "Bill":
        out = ffi.new("vnfo_bill **")
        check(lib.vnfo_bill_load(out, fspath(path)), os.fsdecode(path))
        bill = cls.__new__(cls)
        bill._c = ffi.gc(out[0], lib.vnfo_bill_free)
        return bill

    @property
    def manifest_id(self) -> str:
        return _str(lib.vnfo_bill_manifest_id(self._c))

    @property
    def provider(self) -> str:
        return _str(lib.vnfo_bill_provider(self._c))

    @property
    def period(self) -> Tuple[_dt.datetime, _dt.datetime]:
        """[start, end) as aware UTC datetimes."""
        start, end = ffi.new("int64_t *"), ffi.new("int64_t *")
        check(lib.vnfo_bill_period(start, end, self._c))
        return (_dt.datetime.fromtimestamp(start[0], _dt.timezone.utc),
                _dt.datetime.fromtimestamp(end[0], _dt.timezone.utc))

    def totals(self, function: Optional[str] = None) -> Dict[str, int]:
        """Billed totals by resource, of the chain or of one function."""
        fn = function.encode() if function is not None else ffi.NULL
        out, result = ffi.new("uint64_t *"), {}
        for i in range(lib.vnfo_bill_resource_count(self._c, fn)):
            name = _str(lib.vnfo_bill_resource_at(self._c, fn, i))
            check(lib.vnfo_bill_total(out, self._c, fn, name.encode()))
            result[name] = int(out[0])
        return result

    @property
    def functions(self) -> Dict[str, Dict[str, int]]:
        """Per-function totals, in document order."""
        names = [_str(lib.vnfo_bill_function_at(self._c, i))
                 for i in range(lib.vnfo_bill_function_count(self._c))]
        return {n: self.totals(n) for n in names}

    def to_dict(self) -> dict:
        start, end = self.period
        return {"manifest_id": self.manifest_id, "provider": self.provider,
                "period": [start.isoformat(), end.isoformat()], "totals": self.totals(),
                "functions": self.functions}

    def __repr__(self) -> str:
        return f"<Bill {self.manifest_id!r} {self.totals()}>"
