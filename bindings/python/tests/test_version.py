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
    assert (f"the loaded libvnfo ({vnfo.library_path()}) is "
            f"{_ffi.EXPECTED_MAJOR + 1}.{_ffi.EXPECTED_MINOR}.0") in msg
    assert "PKG_CONFIG_PATH=<prefix>/lib/pkgconfig pip install --force-reinstall" in msg
    assert isinstance(info.value, ImportError)


def test_library_older_than_headers_is_refused():
    n = _ffi.EXPECTED_MAJOR * 10000 + _ffi.EXPECTED_MINOR * 100
    with pytest.raises(vnfo.IncompatibleLibraryError, match="compiled against libvnfo"):
        _ffi.check_compatible(n, n + 100)


def test_advice_names_ld_library_path_when_set(monkeypatch):
    n = _ffi.EXPECTED_MAJOR * 10000 + _ffi.EXPECTED_MINOR * 100
    monkeypatch.delenv("LD_LIBRARY_PATH", raising=False)
    with pytest.raises(vnfo.IncompatibleLibraryError) as info:
        _ffi.check_compatible(n + 10000, n)
    assert "LD_LIBRARY_PATH" not in str(info.value)
    monkeypatch.setenv("LD_LIBRARY_PATH", "/elsewhere/lib")
    with pytest.raises(vnfo.IncompatibleLibraryError, match="LD_LIBRARY_PATH is set"):
        _ffi.check_compatible(n + 10000, n)


def test_library_path_names_the_mapped_libvnfo():
    import os
    path = vnfo.library_path()
    assert os.path.basename(path).startswith("libvnfo.so") and os.path.isfile(path)
    # The very file this process mapped (not just one of that name).
    with open("/proc/self/maps") as maps:
        mapped = {line.split()[-1] for line in maps if "libvnfo.so" in line}
    assert os.path.realpath(path) in {os.path.realpath(m) for m in mapped}
    build = os.environ.get("VNFO_BUILD_DIR")
    if build:  # the in-place test build links against the build tree
        assert os.path.realpath(path).startswith(os.path.realpath(build) + os.sep)


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
