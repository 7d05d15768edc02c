"""Verification reports: checks with verdicts and typed evidence, the
overall verdict, and the JSON / text renderings (include/vnfo/report.h,
docs/REPORT.md).

A ``Report`` comes from the verifier or is built by hand; ``report.to_dict()``
is the JSON document as Python objects, ``report.to_json()`` the text, and
``report["bill.cpu_cycles"]`` the ``Check`` (verdict object) of one check with
its evidence and example labels.
"""

from __future__ import annotations

import enum
import json
import math
from typing import Any, Dict, Iterator, List, Optional, Tuple, Union

from ._ffi import check, ffi, lib, raise_status

__all__ = ["Verdict", "Category", "Report", "Check"]


class Verdict(enum.IntEnum):
    """The verdict of a check or of a whole report."""
    PASS = lib.VNFO_REPORT_PASS
    FAIL = lib.VNFO_REPORT_FAIL
    INCONCLUSIVE = lib.VNFO_REPORT_INCONCLUSIVE
    ERROR = lib.VNFO_REPORT_ERROR

    def __str__(self) -> str:
        return self.name

    @property
    def exit_code(self) -> int:
        """The CLI exit code: 0 PASS, 1 FAIL, 2 INCONCLUSIVE, 3 ERROR."""
        return int(lib.vnfo_report_verdict_exit_code(self))


class Category(enum.IntEnum):
    """What a check is about."""
    FUNCTIONALITY = lib.VNFO_REPORT_FUNCTIONALITY
    PERFORMANCE = lib.VNFO_REPORT_PERFORMANCE
    ACCOUNTING = lib.VNFO_REPORT_ACCOUNTING
    INTEGRITY = lib.VNFO_REPORT_INTEGRITY

    def __str__(self) -> str:
        return self.name.lower()


def _enum(cls, value):
    return cls[value.upper()] if isinstance(value, str) else cls(value)


def _render(fn, report, flags: int) -> str:
    needed = ffi.new("size_t *")
    status = fn(ffi.NULL, 0, needed, report, flags)
    if status not in (0, lib.VNFO_E_BUFFER_TOO_SMALL):
        check(status)
    out = ffi.new("char[]", needed[0])
    check(fn(out, len(out), needed, report, flags))
    return ffi.string(out).decode()


Evidence = Union[int, float, str, bool, Tuple[float, float]]


class Check:
    """One check of a report (a verdict object with its evidence).

    Keeps its report alive.  ``evidence`` is a dict in the order added
    (integers, floats, strings, booleans, ``(lo, hi)`` intervals).
    """

    __slots__ = ("_report", "_c")

    def __init__(self, report: "Report", c) -> None:
        self._report, self._c = report, c

    @property
    def name(self) -> str:
        return ffi.string(lib.vnfo_report_entry_name(self._c)).decode()

    @property
    def summary(self) -> str:
        return ffi.string(lib.vnfo_report_entry_summary(self._c)).decode()

    @summary.setter
    def summary(self, text: str) -> None:
        check(lib.vnfo_report_entry_summary_set(self._mut(), b"%s", ffi.new("char[]", text.encode())))

    @property
    def verdict(self) -> Verdict:
        return Verdict(lib.vnfo_report_entry_verdict(self._c))

    @verdict.setter
    def verdict(self, value: Union[Verdict, str]) -> None:
        check(lib.vnfo_report_entry_verdict_set(self._mut(), _enum(Verdict, value)))

    @property
    def category(self) -> Category:
        return Category(lib.vnfo_report_entry_category(self._c))

    @property
    def examples_total(self) -> int:
        return int(lib.vnfo_report_entry_examples_total(self._c))

    @property
    def examples(self) -> List[int]:
        """The kept example labels (violating packets)."""
        out, labels = ffi.new("uint64_t *"), []
        i = 0
        while lib.vnfo_report_entry_example_at(out, self._c, i) == 0:
            labels.append(int(out[0]))
            i += 1
        return labels

    @property
    def evidence(self) -> Dict[str, Any]:
        """Typed evidence, read back from the JSON rendering (the only
        complete listing the C API gives)."""
        for entry in self._report.to_dict()["checks"]:
            if entry["check"] == self.name:
                return {k: tuple(v) if isinstance(v, list) else v
                        for k, v in entry["evidence"].items()}
        return {}

    def number(self, key: str) -> float:
        """A numeric evidence value as a float (an interval gives its low end);
        ``vnfo.NotFound`` for a missing key or a text value."""
        out = ffi.new("double *")
        status = lib.vnfo_report_evidence_number(out, self._c, key.encode())
        if status:
            raise_status(status, message=f"check {self.name}: no numeric evidence {key!r}")
        return float(out[0])

    def _mut(self):
        return ffi.cast("vnfo_report_entry *", self._c)

    def add_evidence(self, key: str, value: Evidence) -> "Check":
        """Add (or replace) an evidence value; the C type follows the Python
        type: bool, int (unsigned when >= 0), float, str, (lo, hi)."""
        k, e = key.encode(), self._mut()
        if isinstance(value, bool):
            status = lib.vnfo_report_evidence_bool(e, k, int(value))
        elif isinstance(value, int):
            status = (lib.vnfo_report_evidence_uint(e, k, value) if value >= 0
                      else lib.vnfo_report_evidence_int(e, k, value))
        elif isinstance(value, float):
            status = lib.vnfo_report_evidence_real(e, k, value)
        elif isinstance(value, str):
            status = lib.vnfo_report_evidence_text(e, k, value.encode())
        elif isinstance(value, tuple) and len(value) == 2:
            status = lib.vnfo_report_evidence_interval(e, k, float(value[0]), float(value[1]))
        else:
            raise TypeError(f"evidence {key!r}: unsupported type {type(value).__name__}")
        check(status)
        return self

    def add_example(self, label: int, note: Optional[str] = None) -> "Check":
        """Record a violating packet by its 64-bit label."""
        check(lib.vnfo_report_example_add(self._mut(), label,
                                          note.encode() if note is not None else ffi.NULL))
        return self

    def to_dict(self) -> Dict[str, Any]:
        for entry in self._report.to_dict()["checks"]:
            if entry["check"] == self.name:
                return entry
        raise KeyError(self.name)

    def __repr__(self) -> str:
        return f"<Check {self.name} {self.verdict.name} ({self.category.name.lower()})>"


class Report:
    """A verification report (owns its checks)."""

    __slots__ = ("_c", "__weakref__")

    def __init__(self, max_examples: Optional[int] = None) -> None:
        out = ffi.new("vnfo_report **")
        check(lib.vnfo_report_create(out))
        self._c = ffi.gc(out[0], lib.vnfo_report_free)
        if max_examples is not None:
            check(lib.vnfo_report_max_examples_set(self._c, max_examples))

    @classmethod
    def _adopt(cls, ptr) -> "Report":
        """Take ownership of a vnfo_report * made by the verifier."""
        rep = cls.__new__(cls)
        rep._c = ffi.gc(ptr, lib.vnfo_report_free)
        return rep

    def set_subject(self, key: str, value: str) -> None:
        check(lib.vnfo_report_subject_set(self._c, key.encode(), value.encode()))

    def add(self, name: str, category: Union[Category, str], verdict: Union[Verdict, str],
            summary: Optional[str] = None, **evidence: Evidence) -> Check:
        """Append a check; keyword arguments become its evidence."""
        out = ffi.new("vnfo_report_entry **")
        check(lib.vnfo_report_entry_add(out, self._c, name.encode(), _enum(Category, category),
                                        _enum(Verdict, verdict),
                                        summary.encode() if summary is not None else ffi.NULL))
        entry = Check(self, out[0])
        for k, v in evidence.items():
            entry.add_evidence(k, v)
        return entry

    @property
    def verdict(self) -> Verdict:
        """The overall verdict (FAIL > ERROR > INCONCLUSIVE > PASS)."""
        return Verdict(lib.vnfo_report_overall(self._c))

    def __len__(self) -> int:
        return int(lib.vnfo_report_entry_count(self._c))

    def __iter__(self) -> Iterator[Check]:
        for i in range(len(self)):
            yield Check(self, lib.vnfo_report_entry_at(self._c, i))

    def __getitem__(self, name: str) -> Check:
        c = lib.vnfo_report_entry_find(self._c, name.encode())
        if c == ffi.NULL:
            raise KeyError(name)
        return Check(self, c)

    def __contains__(self, name: str) -> bool:
        return lib.vnfo_report_entry_find(self._c, name.encode()) != ffi.NULL

    def to_json(self, compact: bool = False) -> str:
        """The JSON rendering (docs/REPORT.md, format version 1)."""
        return _render(lib.vnfo_report_render_json, self._c,
                       lib.VNFO_REPORT_JSON_COMPACT if compact else 0)

    def to_dict(self) -> Dict[str, Any]:
        """The JSON document as Python objects."""
        return json.loads(self.to_json(compact=True))

    def to_text(self, verbose: bool = False) -> str:
        """The concise text rendering (for people; programs read JSON)."""
        return _render(lib.vnfo_report_render_text, self._c,
                       lib.VNFO_REPORT_TEXT_VERBOSE if verbose else 0)

    def to_pandas(self):
        """One row per check: check, category, verdict, summary,
        examples_total, and the evidence as a dict."""
        from ._optional import require
        pd = require("pandas", "Report.to_pandas", "pandas")
        return pd.DataFrame([{"check": c["check"], "category": c["category"],
                              "verdict": c["verdict"], "summary": c["summary"],
                              "examples_total": c["examples_total"], "evidence": c["evidence"]}
                             for c in self.to_dict()["checks"]],
                            columns=["check", "category", "verdict", "summary",
                                     "examples_total", "evidence"])

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"<Report {self.verdict.name}, {len(self)} checks>"

    def __reduce__(self):
        # Reports cross process boundaries (Dask) as their JSON.
        return (Report.from_dict, (self.to_dict(),))

    @classmethod
    def from_dict(cls, doc: Dict[str, Any]) -> "Report":
        """Rebuild a report from its JSON document (``to_dict()`` output)."""
        version = doc.get("vnfo_report")
        if not isinstance(version, int) or version > lib.VNFO_REPORT_FORMAT_VERSION:
            raise_status(lib.VNFO_E_UNSUPPORTED_VERSION,
                         message=f"report: format version {version!r}, this library reads "
                                 f"{lib.VNFO_REPORT_FORMAT_VERSION}")
        rep = cls()
        for key, value in doc.get("subject", {}).items():
            rep.set_subject(key, value)
        for c in doc.get("checks", []):
            entry = rep.add(c["check"], c["category"], c["verdict"], c.get("summary") or None)
            for key, value in c.get("evidence", {}).items():
                if value is None:
                    value = math.nan
                elif isinstance(value, list):
                    value = (float("nan") if value[0] is None else value[0],
                             float("nan") if value[1] is None else value[1])
                elif isinstance(value, str) and value.isdigit() and len(value) > 18:
                    value = int(value)  # counts above 2^63-1 are rendered as strings
                entry.add_evidence(key, value)
            for ex in c.get("examples", []):
                entry.add_example(int(ex["label"], 16), ex.get("note"))
        return rep
