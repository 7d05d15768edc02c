# Stub of the cffi extension module built by vnfo/_build.py.
from typing import Any

ffi: Any
lib: Any
