"""Counterpoint: read many news articles and show each story from every side, with evidence."""

import sys

if sys.platform.startswith("linux"):
    import contextlib
    import ctypes

    # usearch's extension carries a static copy of libstdc++; imported before onnxruntime it leaves
    # the C++ locale set up so that onnxruntime's import crashes (SIGSEGV). With the system
    # libstdc++ loaded globally first, both resolve to the one copy. This must run before anything
    # imports usearch, hence here. No system libstdc++: nothing to share.
    with contextlib.suppress(OSError):
        ctypes.CDLL("libstdc++.so.6", mode=ctypes.RTLD_GLOBAL)

from counterpoint.model import SCHEMA_VERSION

__version__ = "0.1.0"
__all__ = ["SCHEMA_VERSION", "__version__"]
