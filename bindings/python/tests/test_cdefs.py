"""The cdefs are written by hand from the public headers; these checks catch
drift: every VNFO_API function and every status code of a bound module must
be declared to cffi (the C compiler then checks each prototype)."""

import re

import pytest

from vnfo import _build

API_FUNC = re.compile(r"VNFO_API\b[^;{]*?\b(vnfo_\w+)\s*\(", re.S)
CDEF_FUNC = re.compile(r"\b(vnfo_\w+)\s*\(")
BLOCK = re.compile(r"/\*\s*([a-z ]+):\s*\d+-\d+\s*\*/")
CODE = re.compile(r"\b(VNFO_E_\w+)\s*=\s*\d+")


def header_functions(source_dir, module):
    text = (source_dir / "include" / "vnfo" / f"{module}.h").read_text()
    return set(API_FUNC.findall(text))


def status_codes_by_module(source_dir):
    """{module: {code names}} from the numbered blocks of common.h."""
    codes, module = {}, None
    for line in (source_dir / "include" / "vnfo" / "common.h").read_text().splitlines():
        m = BLOCK.search(line)
        if m:
            module = m.group(1).split()[0]  # "verify and report" -> verify
            continue
        for code in CODE.findall(line):
            codes.setdefault(module, set()).add(code)
    return codes


@pytest.mark.parametrize("module", _build.MODULES)
def test_every_api_function_is_declared(source_dir, module):
    declared = set(CDEF_FUNC.findall((_build.CDEF_DIR / f"{module}.h").read_text()))
    missing = header_functions(source_dir, module) - declared
    assert not missing, f"include/vnfo/{module}.h functions missing from _cdefs/{module}.h"


# Status blocks shared by several headers: bound when any of them is.
BLOCK_MODULES = {"verify": ("verify", "report", "bill"), "log": ("log", "record")}


def test_every_status_code_is_declared(source_dir):
    cdef = _build.cdef_text()
    for block, codes in status_codes_by_module(source_dir).items():
        if not set(BLOCK_MODULES.get(block, (block,))) & set(_build.MODULES):
            continue
        missing = {c for c in codes if not re.search(rf"#define {c} \.\.\.", cdef)}
        assert not missing, f"status codes of block {block} missing from the cdefs"


def test_header_parser_sees_functions(source_dir):
    # Guards the checks above against a regex that silently matches nothing.
    assert "vnfo_signing_key_sign" in header_functions(source_dir, "key")
    assert "VNFO_E_KEY_FORMAT" in status_codes_by_module(source_dir)["key"]
    assert "VNFO_E_NO_MEMORY" in status_codes_by_module(source_dir)["common"]
