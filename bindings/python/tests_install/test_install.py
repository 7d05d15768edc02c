"""Every documented install line, in a fresh virtual environment, as a new
analyst would run it (docs/python.md, "Install").

- One environment per line: the core (`pip install ./bindings/python`) and
  each extra (`[numpy]`, `[pandas]`, `[plot]`, `[dask]`).  In each,
  features.py runs the features the docs promise for that line and checks
  that the line brings nothing more; `[dask]` also runs the docs' `__main__`
  guard example and examples/dask_verify.py on a LocalCluster of worker
  processes.
- A reinstall: the core environment, built against prefix A, is reinstalled
  with `PKG_CONFIG_PATH=B/lib/pkgconfig pip install --force-reinstall` while
  bindings/python/build/ still holds A's build; the package must then load
  B's libvnfo (`vnfo.library_path()`) and its RUNPATH name B, not A.

libvnfo is installed into temporary prefixes from the existing build tree
(`make install prefix=...`, no rebuild).  Environments are made without pip
(`venv --without-pip`) and filled by this interpreter's pip (`pip --python`),
which reuses pip's cache: the slow part is compiling the extension, once per
install.  ./quickstart test runs this folder apart from bindings/python/tests
(it takes a few minutes, mostly downloads on a cold cache).  Needs
VNFO_BUILD_DIR (a build tree with tools/vnfo) and the package registry.
"""

import os
import pathlib
import re
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
PKG = HERE.parent                     # bindings/python
REPO = PKG.parents[1]
FEATURES = HERE / "features.py"
BUILD = os.environ.get("VNFO_BUILD_DIR")
TIMEOUT = 900

pytestmark = pytest.mark.skipif(
    not BUILD or not pathlib.Path(BUILD, "tools", "vnfo").exists(),
    reason="set VNFO_BUILD_DIR to a built tree (with tools/vnfo) to test the installs")

# Variables that would let an environment see the checkout or another
# library instead of what it installed.
LEAKY = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "LD_LIBRARY_PATH",
         "PKG_CONFIG_PATH", "VNFO_BUILD_DIR", "VNFO_SOURCE_DIR", "PIP_REQUIRE_VIRTUALENV")


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in LEAKY}
    env.update(extra)
    return env


def run(cmd, *, env=None, cwd=None, what=""):
    out = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, cwd=cwd,
                         env=env or clean_env(), timeout=TIMEOUT)
    if out.returncode != 0:
        pytest.fail(f"{what or cmd[0]} exited {out.returncode}:\n{out.stdout[-3000:]}\n"
                    f"{out.stderr[-5000:]}")
    return out.stdout


class Env:
    """A fresh virtual environment (no system site packages)."""

    def __init__(self, path: pathlib.Path):
        self.path = path
        self.python = path / "bin" / "python"
        run([sys.executable, "-m", "venv", "--without-pip", path], what="venv")

    def pip_install(self, spec, prefix, *flags):
        """`pip install SPEC` from the repository root, against ``prefix``."""
        env = clean_env(PKG_CONFIG_PATH=str(prefix / "lib" / "pkgconfig"))
        run([sys.executable, "-m", "pip", "--python", self.python, "install", "-q",
             "--disable-pip-version-check", *flags, spec], env=env, cwd=REPO,
            what=f"pip install {spec}")

    def features(self, line, demo, prefix, cwd):
        out = run([self.python, FEATURES, line, demo, prefix], cwd=cwd, what=f"features {line}")
        assert out.strip().splitlines()[-1] == f"OK {line}"

    def extension(self) -> pathlib.Path:
        (so,) = self.path.glob("lib/python*/site-packages/vnfo/_vnfo*.so")
        return so

    def runpath(self):
        dyn = run(["readelf", "-d", self.extension()], what="readelf")
        m = re.search(r"\((?:RUNPATH|RPATH)\)\s+Library (?:runpath|rpath): \[([^\]]*)\]", dyn)
        assert m, dyn
        return [os.path.realpath(p) for p in m.group(1).split(":")]

    def library_path(self, cwd) -> str:
        return run([self.python, "-c", "import vnfo; print(vnfo.library_path())"],
                   cwd=cwd).strip()


@pytest.fixture(scope="session")
def prefixes(tmp_path_factory):
    """Two libvnfo installs, A and B, from the existing build tree."""
    root = tmp_path_factory.mktemp("prefixes")
    out = {}
    for name in ("A", "B"):
        out[name] = root / name
        run(["make", "-C", BUILD, "-s", "install", f"prefix={out[name]}"],
            what=f"make install prefix={out[name]}")
        pc = (out[name] / "lib" / "pkgconfig" / "vnfo.pc").read_text()
        assert f"prefix={out[name]}\n" in pc  # the .pc names the prefix make used
    return out


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    subprocess.run([pathlib.Path(BUILD, "tools", "vnfo"), "demo", "--dir", out],
                   capture_output=True, timeout=TIMEOUT)
    assert (out / "manifest.json").exists() and (out / "honest" / "fw.log").exists()
    return out


@pytest.fixture(scope="session")
def core_env(tmp_path_factory, prefixes):
    env = Env(tmp_path_factory.mktemp("venv") / "core")
    env.pip_install("./bindings/python", prefixes["A"])
    env.prefix = prefixes["A"]
    return env


def under(path, prefix) -> bool:
    return os.path.realpath(path).startswith(os.path.realpath(prefix) + os.sep)


def test_core_install(core_env, demo, tmp_path):
    core_env.features("core", demo, core_env.prefix, tmp_path)
    assert os.path.realpath(core_env.prefix / "lib") in core_env.runpath()


@pytest.mark.parametrize("extra", ["numpy", "pandas", "plot", "dask"])
def test_extra_install(extra, prefixes, demo, tmp_path):
    env = Env(tmp_path / "venv")
    env.pip_install(f"./bindings/python[{extra}]", prefixes["A"])
    env.features(extra, demo, prefixes["A"], tmp_path)
    if extra == "dask":
        dask_examples(env, demo, tmp_path)


def docs_guard_example() -> str:
    """The code block of docs/python.md with the `__main__` guard for Dask."""
    text = (REPO / "docs" / "python.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    (block,) = [b for b in blocks if 'if __name__ == "__main__":' in b and "LocalCluster" in b]
    return block


def dask_examples(env, demo, tmp_path):
    # The docs' example, as written, in a folder laid out as it assumes.
    work = tmp_path / "guard"
    work.mkdir()
    (work / "manifest.json").symlink_to(demo / "manifest.json")
    (work / "provider").symlink_to(demo / "honest")
    (work / "verify.py").write_text(docs_guard_example())
    out = run([env.python, "verify.py"], cwd=work, what="the docs' Dask example")
    assert out.split()[0] == "True" and "delay_ns" in out
    # The shipped example: LocalCluster, verify_logs, verify_functional,
    # summary, each compared with the single-process result.
    out = run([env.python, PKG / "examples" / "dask_verify.py", demo], cwd=tmp_path,
              what="examples/dask_verify.py")
    assert "identical to the single-process result: True" in out
    assert "functional checks identical to the single-process verifier: True" in out


def test_reinstall_against_another_prefix_loads_the_new_library(core_env, prefixes, demo,
                                                                tmp_path):
    a, b = prefixes["A"], prefixes["B"]
    if core_env.prefix != a:
        core_env.pip_install("./bindings/python", a, "--force-reinstall")
    assert under(core_env.library_path(tmp_path), a)
    # What made reinstalls keep the old module: a build folder left by the
    # install against A, whose module is newer than every source.
    assert list((PKG / "build").glob("lib*/vnfo/_vnfo*.so")), "no build left over from A"
    core_env.pip_install("./bindings/python", b, "--force-reinstall")
    core_env.prefix = b
    assert under(core_env.library_path(tmp_path), b)
    runpath = core_env.runpath()
    assert os.path.realpath(b / "lib") in runpath and os.path.realpath(a / "lib") not in runpath
    core_env.features("core", demo, b, tmp_path)
