# The cffi extension is declared here because cffi_modules has no
# pyproject.toml spelling; all other metadata lives in pyproject.toml.
import shutil
import tempfile

from setuptools import setup
from setuptools.command.build_ext import build_ext


class FreshBuildExt(build_ext):
    """Compile the extension from scratch, in a new temporary folder, on
    every build.

    setuptools skips an extension whose sources are older than a module left
    in build/ by an earlier install.  The generated C source is the same
    whatever libvnfo it is linked against, so a reinstall against another
    prefix (PKG_CONFIG_PATH=<other prefix>/lib/pkgconfig) would ship the old
    module with its RUNPATH naming the old prefix, and load the old library.
    """

    def finalize_options(self):
        super().finalize_options()
        self.force = True
        self.build_temp = tempfile.mkdtemp(prefix="vnfo-build-ext-")

    def run(self):
        try:
            super().run()
        finally:
            shutil.rmtree(self.build_temp, ignore_errors=True)


setup(cmdclass={"build_ext": FreshBuildExt},
      cffi_modules=["vnfo/_build.py:make_ffibuilder"])
