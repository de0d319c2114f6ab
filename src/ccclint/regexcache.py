"""Compiled regular expressions kept across runs.

In a fresh process, compiling the packs' patterns (CPython's `re` parses and generates code in pure
Python) costs more than matching them in a short contract. The code CPython generates for a pattern is
a list of integers; kept on disk, keyed by the interpreter and the regex engine's MAGIC number, it is
handed straight to the engine next time (`_sre.compile`, which validates code before use). Anything
unexpected (another Python, an unknown internal API, a damaged file) means a plain `re.compile`.
Facts derived from a pattern or a phrase (the regex a phrase compiles to, the literals a raw regex needs...) are
kept the same way; the file is named after the code that derives them, so a new version starts afresh.
"""

from __future__ import annotations

import array
import atexit
import os
import re
import sys
from functools import lru_cache
from typing import Any, Callable

from ccclint import diskcache

try:
    import _sre
    from re import _compiler, _parser
except ImportError:  # Python 3.10 names them sre_compile / sre_parse: no cache there, same results
    _sre = None
_CODE_TYPE = next((t for t in "HILQ" if array.array(t).itemsize == getattr(_sre, "CODESIZE", 4)), "I")

# The packs give ~15,000 entries (patterns, phrases and facts); the bound keeps a hostile playbook from growing it.
MAX_ENTRIES = 40_000
_loaded: dict[Any, Any] | None = None
_added: dict[Any, Any] = {}


# The modules whose code derives facts from patterns and phrases: a change to any of them starts a new file.
_DERIVING = ("phrases.py", "rawregex.py", "extractors.py", "normalize.py", "regexcache.py")


def _path() -> str | None:
    folder = diskcache.cache_dir("regex")
    if folder is None or _sre is None:
        return None
    return os.path.join(folder, f"{sys.implementation.cache_tag}-sre{_sre.MAGIC}-{_sre.CODESIZE}-{_code_tag()}.pickle")


@lru_cache(maxsize=1)
def _code_tag() -> str:
    """ccclint's version and a digest of the deriving modules' source."""
    import hashlib

    from ccclint import __version__

    digest = hashlib.sha256(__version__.encode())
    here = os.path.dirname(os.path.abspath(__file__))
    for name in _DERIVING:
        try:
            with open(os.path.join(here, name), "rb") as fh:
                digest.update(fh.read())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()[:16]


def _table() -> dict[Any, Any]:
    global _loaded
    if _loaded is None:
        path = _path()
        got = diskcache.read(path) if path else None
        _loaded = got if isinstance(got, dict) else {}
    return _loaded


def _build(pattern: str) -> tuple[Any, ...]:
    """What re._compiler.compile hands to _sre.compile after the pattern (flags 0)."""
    p = _parser.parse(pattern, 0)
    code = [int(c) for c in _compiler._code(p, 0)]  # plain ints: the opcodes are int subclasses that do not pickle
    groupindex = dict(p.state.groupdict)
    indexgroup: list[str | None] = [None] * p.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return (int(p.state.flags), code, p.state.groups - 1, groupindex, tuple(indexgroup))


def _packed(entry: tuple[Any, ...]) -> tuple[Any, ...]:
    """On disk the code is one bytes object: a file of thousands of patterns loads in milliseconds."""
    return (entry[0], array.array(_CODE_TYPE, entry[1]).tobytes(), *entry[2:])


def _unpacked(entry: tuple[Any, ...]) -> tuple[Any, ...]:
    code = array.array(_CODE_TYPE)
    code.frombytes(entry[1])
    return (entry[0], code.tolist(), *entry[2:])


def compile(pattern: str) -> re.Pattern[str]:
    """re.compile(pattern), from the code kept on disk when there is some."""
    if _sre is None:
        return re.compile(pattern)
    entry = _table().get(pattern) or _added.get(pattern)
    if entry is not None:
        try:
            return _sre.compile(pattern, *_unpacked(entry))
        except Exception:  # damaged or foreign entry: compile it again below
            pass
    try:
        entry = _build(pattern)
        compiled = _sre.compile(pattern, *entry)
    except re.error:
        raise
    except Exception:  # an interpreter whose internals differ: the public way
        return re.compile(pattern)
    _remember(pattern, _packed(entry))
    return compiled


def derived(kind: str, pattern: Any, compute: Callable[[Any], Any]) -> Any:
    """compute(pattern), kept on disk under (kind, pattern): for facts read from a pattern or a phrase
    (`pattern` may be a tuple of strings)."""
    key = (kind, pattern)
    table = _table()
    if key in table:
        return table[key]
    if key in _added:
        return _added[key]
    value = compute(pattern)
    _remember(key, value)
    return value


def _remember(key: Any, value: Any) -> None:
    if len(_added) + len(_table()) < MAX_ENTRIES:
        _added[key] = value


def save() -> None:
    """Write what this process compiled for the first time (merged with what others wrote meanwhile)."""
    global _loaded
    if not _added:
        return
    path = _path()
    if path is None:
        _added.clear()
        return
    on_disk = diskcache.read(path)
    merged = on_disk if isinstance(on_disk, dict) else {}
    merged.update(_table())
    merged.update(_added)
    while len(merged) > MAX_ENTRIES:
        merged.pop(next(iter(merged)))
    diskcache.write(path, merged)
    _loaded = merged
    _added.clear()
    _remove_stale(path)


def _remove_stale(path: str) -> None:
    """Files of earlier code (another tag, same interpreter and engine) will never be read again."""
    folder, name = os.path.split(path)
    prefix = name[:name.rindex("-") + 1]
    try:
        for other in os.listdir(folder):
            if other.startswith(prefix) and other.endswith(".pickle") and other != name:
                os.remove(os.path.join(folder, other))
    except OSError:
        pass


atexit.register(save)
