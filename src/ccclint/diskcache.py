"""Per-user cache files (~/.cache/ccclint/...): validated rule packs, compiled regular expressions.

A cache only ever saves time: anything odd about a file (missing, truncated, written by another user or
Python, writable by others) means it is ignored and the work is done again. CCCLINT_NO_PACK_CACHE=1 turns
every cache off.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from typing import Any


def cache_dir(kind: str) -> str | None:
    if os.environ.get("CCCLINT_NO_PACK_CACHE"):
        return None
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(root, "ccclint", kind)


def read(path: str) -> Any | None:
    """The unpickled content of `path`, or None; only a file this user wrote and nobody else can change."""
    try:
        st = os.stat(path)
        if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
            return None
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except Exception:  # missing, truncated, from another Python: do the work again
        return None


def write(path: str, value: Any) -> None:
    """Write atomically (a reader never sees half a file); silently nothing on a read-only home."""
    tmp = None
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:
        if tmp:
            try:
                os.unlink(tmp)
            except OSError:
                pass
