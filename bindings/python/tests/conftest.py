"""Test set-up: build the extension in place when VNFO_BUILD_DIR is set.

``./quickstart test`` runs ``python3 -m pytest bindings/python/tests`` from
the repository root with VNFO_BUILD_DIR pointing at its build tree.  The
extension is compiled by vnfo/_build.py into bindings/python/build/cffi (git
ignores it) and copied next to the package sources, so the tests import the
checkout's ``vnfo`` against the freshly built libvnfo with no install step
and no network.  Without VNFO_BUILD_DIR the tests use an installed ``vnfo``
(``pip install ./bindings/python``), or a previous in-place build.
"""

import os
import pathlib
import subprocess
import sys

import pytest

PKG_ROOT = pathlib.Path(__file__).resolve().parents[1]
REPO_ROOT = PKG_ROOT.parents[1]

os.environ.setdefault("MPLBACKEND", "Agg")


def _inputs_digest() -> str:
    """Hash of everything the extension is built from: rebuild only on change."""
    import hashlib
    h = hashlib.blake2b(digest_size=16)
    build = pathlib.Path(os.environ["VNFO_BUILD_DIR"])
    src = pathlib.Path(os.environ.get("VNFO_SOURCE_DIR", REPO_ROOT))
    files = sorted((PKG_ROOT / "vnfo" / "_cdefs").glob("*.[ch]")) + [PKG_ROOT / "vnfo" / "_build.py"]
    files += sorted((src / "include" / "vnfo").glob("*.h")) + [build / "include" / "vnfo" / "version.h"]
    for f in files:
        h.update(str(f).encode() + (f.read_bytes() if f.exists() else b"-"))
    lib = build / ".libs" / "libvnfo.so"
    if lib.exists():
        st = lib.stat()
        h.update(f"{lib.resolve()}:{st.st_size}:{st.st_mtime_ns}".encode())
    h.update(sys.version.encode())
    return h.hexdigest()


def _build_in_place():
    tmp = PKG_ROOT / "build" / "cffi"
    stamp = tmp / "inputs.stamp"
    digest = _inputs_digest()
    if (stamp.exists() and stamp.read_text() == digest
            and list((PKG_ROOT / "vnfo").glob("_vnfo*.so"))):
        return
    out = subprocess.run([sys.executable, str(PKG_ROOT / "vnfo" / "_build.py"), str(tmp)],
                         capture_output=True, text=True, cwd=PKG_ROOT)
    if out.returncode != 0:
        raise RuntimeError("building vnfo._vnfo failed:\n" + out.stdout + out.stderr)
    built = pathlib.Path(out.stdout.strip().splitlines()[-1])
    target = PKG_ROOT / "vnfo" / built.name
    staging = target.with_suffix(".so.tmp")
    staging.write_bytes(built.read_bytes())
    # Atomic: a process that still maps the old module keeps its copy.
    os.replace(staging, target)
    stamp.write_text(digest)


if os.environ.get("VNFO_BUILD_DIR"):
    _build_in_place()
if os.environ.get("VNFO_BUILD_DIR") or list((PKG_ROOT / "vnfo").glob("_vnfo*.so")):
    sys.path.insert(0, str(PKG_ROOT))
    # Dask worker processes import vnfo too: give them the same path.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(PKG_ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])

from hypothesis import HealthCheck, settings  # noqa: E402

# The machine is shared: no deadlines (no timed tests), modest example counts.
settings.register_profile("vnfo", max_examples=30, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("vnfo")


@pytest.fixture(scope="session")
def source_dir() -> pathlib.Path:
    """The libvnfo source tree (headers for the cdef drift check)."""
    return pathlib.Path(os.environ.get("VNFO_SOURCE_DIR", REPO_ROOT))


@pytest.fixture(scope="session")
def dask_client():
    """A LocalCluster of 2 worker processes (1 thread each), shared by the
    session: results that cross it were pickled to another process."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> pathlib.Path:
    """The output of `vnfo demo` (keys, manifest, capture, the honest and
    every cheating provider's logs and bill); skipped without the CLI."""
    build = os.environ.get("VNFO_BUILD_DIR")
    cli = pathlib.Path(build, "tools", "vnfo") if build else None
    if cli is None or not cli.exists():
        pytest.skip("the vnfo CLI is not built (set VNFO_BUILD_DIR to a build with tools/vnfo)")
    out = tmp_path_factory.mktemp("demo")
    # Exit 1 would mean a scenario was judged otherwise than intended: that is
    # the C verifier's own test; these tests need the files, checked here.
    run = subprocess.run([str(cli), "demo", "--dir", str(out)], capture_output=True, text=True)
    if not (out / "manifest.json").exists() or not (out / "honest" / "bill.json").exists():
        raise RuntimeError(f"vnfo demo wrote no logs (exit {run.returncode}):\n{run.stderr}")
    return out
