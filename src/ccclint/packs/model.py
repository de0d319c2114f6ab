"""Rule-pack data classes (what the YAML becomes after validation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STATUSES = ("present", "weak", "missing", "not_applicable")
SEVERITY_ORDER = {"info": 1, "warning": 2, "error": 3}


@dataclass(frozen=True)
class Signal:
    """A weak signal: when its formula fires in (or around) the matched unit, the verdict is `weak`."""

    id: str
    reason: dict[str, str]
    within: str
    formula: dict[str, Any]


@dataclass(frozen=True)
class Rule:
    id: str
    pack: str
    title: dict[str, str]
    severity: dict[str, str]
    references: tuple[dict[str, str], ...]
    fix: dict[str, str]
    match: dict[str, Any]
    scope: str = "paragraph"
    why: dict[str, str] = field(default_factory=dict)
    message: dict[str, dict[str, str]] = field(default_factory=dict)
    applies_if: dict[str, Any] | None = None
    evidence: dict[str, Any] | None = None  # what to quote for `present` when the match itself quotes nothing
    weak: tuple[Signal, ...] = ()
    examples: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    @property
    def reference(self) -> str:
        return " ; ".join(r["cite"] for r in self.references)


@dataclass
class Pack:
    name: str
    title: dict[str, str]
    version: str
    applies_to: dict[str, Any]
    lexicon: dict[str, dict[str, list[str]]]
    rules: list[Rule]
    path: str
    description: str = ""


@dataclass
class RuleSet:
    """Every loaded pack, plus the shared lexicon (rules/common.yaml)."""

    packs: list[Pack]
    common: dict[str, dict[str, list[str]]]

    @property
    def rules(self) -> list[Rule]:
        return [r for p in self.packs for r in p.rules]

    def pack(self, name: str) -> Pack:
        return next(p for p in self.packs if p.name == name)

    def lexicon_for(self, pack: str) -> dict[str, dict[str, list[str]]]:
        merged = dict(self.common)
        merged.update(self.pack(pack).lexicon)
        return merged

    @property
    def version(self) -> str:
        return "+".join(f"{p.name}@{p.version}" for p in self.packs)
