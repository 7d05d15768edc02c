"""A feature whose optional module is missing names the extra to install."""

import sys

import pytest

from vnfo._optional import require


def test_missing_module_names_the_extra():
    with pytest.raises(ModuleNotFoundError) as info:
        require("vnfo_no_such_module", "Sampler.decide_burst", "numpy")
    assert str(info.value) == (
        "Sampler.decide_burst needs vnfo_no_such_module, which the core vnfo install does "
        'not bring: pip install "./bindings/python[numpy]"')
    assert info.value.name == "vnfo_no_such_module"


def test_present_module_is_returned():
    assert require("json", "x", "numpy") is sys.modules["json"]


def test_a_broken_dependency_of_a_present_module_is_not_disguised(tmp_path, monkeypatch):
    (tmp_path / "vnfo_half_installed.py").write_text("import vnfo_missing_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError) as info:
        require("vnfo_half_installed", "x", "numpy")
    assert info.value.name == "vnfo_missing_dependency" and "pip install" not in str(info.value)
