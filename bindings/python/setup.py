# The cffi extension is declared here because cffi_modules has no
# pyproject.toml spelling; all other metadata lives in pyproject.toml.
from setuptools import setup

setup(cffi_modules=["vnfo/_build.py:make_ffibuilder"])
