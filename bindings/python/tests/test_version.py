import pytest

import vnfo
from vnfo import _ffi


def test_library_version_matches_package_expectation():
    major, minor, _ = (int(x) for x in vnfo.library_version().split("."))
    assert (major, minor) >= (vnfo.EXPECTED_MAJOR, vnfo.EXPECTED_MINOR)
    assert major == vnfo.EXPECTED_MAJOR
    assert _ffi.lib.vnfo_version_number() == major * 10000 + minor * 100 + _


def test_compatible_versions_pass():
    n = _ffi.EXPECTED_MAJOR * 10000 + _ffi.EXPECTED_MINOR * 100
    _ffi.check_compatible(n, n)
    _ffi.check_compatible(n + 105, n)  # a later minor and patch


def test_other_major_is_refused_clearly():
    n = _ffi.EXPECTED_MAJOR * 10000 + _ffi.EXPECTED_MINOR * 100
    with pytest.raises(vnfo.IncompatibleLibraryError) as info:
        _ffi.check_compatible(n + 10000, n)
    msg = str(info.value)
    assert f"the loaded libvnfo is {_ffi.EXPECTED_MAJOR + 1}.{_ffi.EXPECTED_MINOR}.0" in msg
    assert "pip install" in msg
    assert isinstance(info.value, ImportError)


def test_library_older_than_headers_is_refused():
    n = _ffi.EXPECTED_MAJOR * 10000 + _ffi.EXPECTED_MINOR * 100
    with pytest.raises(vnfo.IncompatibleLibraryError, match="compiled against libvnfo"):
        _ffi.check_compatible(n, n + 100)


def test_status_enum_and_names():
    assert vnfo.Status.OK == 0 and vnfo.Status.NO_MEMORY == 2
    assert vnfo.status_name(vnfo.Status.KEY_FORMAT) == "VNFO_E_KEY_FORMAT"
    assert "malformed key" in vnfo.strerror(vnfo.Status.KEY_FORMAT)


def test_core_import_needs_only_cffi():
    import os
    import subprocess
    import sys
    code = ("import sys, vnfo; heavy = {'numpy', 'pandas', 'matplotlib', 'dask', 'scipy'}; "
            "assert not heavy & set(sys.modules), heavy & set(sys.modules)")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
