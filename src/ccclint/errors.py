"""Errors that end in one clear line and a documented exit code, never a traceback."""

from __future__ import annotations

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
