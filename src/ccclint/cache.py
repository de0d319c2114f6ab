"""`--cache DIR`: results of earlier checks, so re-running over a folder re-parses only changed files.

A result is keyed by the file's content (sha256), the ccclint version, a fingerprint of the loaded
rules and the options that change results; the path is not in the key (a moved file is a hit).
Entries are JSON, not pickle: a cache folder must never be a way to run code. Any unreadable or
stale entry is a miss, never an error; unreadable documents are not cached (they may be fixed
without changing, e.g. permissions).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from typing import Any

from ccclint import __version__
from ccclint.engine import DocumentResult, Options
from ccclint.findings import Evidence, Finding

FORMAT = 1


def ruleset_fingerprint(ruleset: Any) -> str:
    """Pack names and versions plus the rules' content: editing a rule invalidates the cache."""
    h = hashlib.sha256(getattr(ruleset, "version", "").encode())
    h.update(repr([(p.name, p.version, p.applies_to, p.lexicon, p.rules) for p in ruleset.packs]).encode())
    h.update(repr(ruleset.common).encode())
    return h.hexdigest()


@dataclasses.dataclass
class ResultCache:
    folder: str
    salt: str  # version + rules fingerprint
    hits: int = 0
    misses: int = 0

    @classmethod
    def open(cls, folder: str, ruleset: Any) -> "ResultCache":
        os.makedirs(folder, exist_ok=True)
        return cls(folder, f"{FORMAT}:{__version__}:{ruleset_fingerprint(ruleset)}")

    def key(self, sha256: str, options: Options) -> str:
        opts = repr((options.kind, options.lang, options.select, options.ignore, options.limits))
        return hashlib.sha256(f"{self.salt}:{opts}:{sha256}".encode()).hexdigest()

    def _file(self, key: str) -> str:
        return os.path.join(self.folder, key[:2], key + ".json")

    def get(self, path: str, options: Options) -> DocumentResult | None:
        try:
            with open(path, "rb") as fh:
                sha = hashlib.sha256(fh.read()).hexdigest()
            with open(self._file(self.key(sha, options)), encoding="utf-8") as fh:
                doc = _from_json(json.load(fh), path)
        except Exception:  # missing, unreadable, truncated or from another layout: a miss
            self.misses += 1
            return None
        self.hits += 1
        return doc

    def put(self, doc: DocumentResult, options: Options) -> None:
        if doc.error or not doc.sha256:
            return
        target = self._file(self.key(doc.sha256, options))
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(dataclasses.asdict(doc), fh, ensure_ascii=False)
            os.replace(tmp, target)  # atomic: parallel runs never read half an entry
        except (OSError, TypeError, ValueError):
            pass  # a read-only or full cache folder (or an unserialisable value) only costs speed


def _from_json(data: dict[str, Any], path: str) -> DocumentResult:
    results = []
    for f in data.pop("results"):
        evidence = [Evidence(**e) for e in f.pop("evidence")]
        results.append(Finding(**f, evidence=evidence))
    data["path"] = path
    return DocumentResult(**data, results=results)
