"""Errors that end in one clear line and a documented exit code, never a traceback."""

from __future__ import annotations

import difflib
import os
from typing import Any

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_UNREADABLE = 3
EXIT_INTERNAL = 4


class CcclintError(Exception):
    exit_code = EXIT_INTERNAL


class UsageError(CcclintError):
    """Bad command line or configuration."""

    exit_code = EXIT_USAGE


class PackError(CcclintError):
    """A rule pack that does not load; the message starts with file:line."""

    exit_code = EXIT_USAGE


class InputError(CcclintError):
    """An input file that cannot be read. `code` is one of the FIXED JSON error codes."""

    exit_code = EXIT_UNREADABLE
    CODES = ("corrupt", "encrypted", "no-text", "unsupported", "too-large", "not-found", "unreadable")

    def __init__(self, path: str, code: str, message: str):
        assert code in self.CODES, code
        super().__init__(f"{path}: {message}")
        self.path = path
        self.code = code
        self.message = message


# ---- shared pieces of one-line messages (rule packs, configuration) -------------------------------

def suggestion(word: str, choices: list[str], otherwise: str = "", cutoff: float = 0.6) -> str:
    """" (did you mean 'x'?)" for the closest choice, else `otherwise`."""
    hint = difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)
    return f" (did you mean '{hint[0]}'?)" if hint else otherwise


def dotted(keys: list[Any]) -> str:
    """weak[0].deadline: the path of a key inside a YAML/TOML document."""
    out = ""
    for k in keys:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out or "(top)"


def shown_path(path: str) -> str:
    """A path as the user will recognise it: relative to the working folder unless far outside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return rel if not rel.startswith("../..") else path
