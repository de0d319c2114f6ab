"""Document kind (dpa, services, call-centre, sla, other) from weighted cues in rules/kinds.yaml.

The title (first heading / opening lines) weighs most; body cues add evidence. The cues are data
so a firm can teach ccclint its own templates' vocabulary.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from ccclint.docindex import DocIndex
from ccclint.errors import PackError
from ccclint.matcher import compile_phrase

KINDS = ("dpa", "services", "call-centre", "sla", "other")


@dataclass(frozen=True)
class KindCues:
    kind: str
    title: tuple[str, ...]
    body: tuple[str, ...]
    title_weight: float
    body_weight: float
    body_cap: float
    minimum: float


@lru_cache(maxsize=4)
def load_cues(rules_dir: str) -> tuple[tuple[KindCues, ...], float]:
    path = os.path.join(rules_dir, "kinds.yaml")
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except (OSError, yaml.YAMLError) as exc:
        raise PackError(f"{path}:1: cannot load document kinds ({exc})") from None
    cues = []
    for kind, spec in data["kinds"].items():
        if kind not in KINDS:
            raise PackError(f"{path}:1: unknown kind '{kind}' (known: {', '.join(KINDS)})")
        cues.append(KindCues(kind, tuple(spec.get("title", [])), tuple(spec.get("body", [])),
                             float(spec.get("title_weight", 5)), float(spec.get("body_weight", 1)),
                             float(spec.get("body_cap", 6)), float(spec.get("minimum", 3))))
    return tuple(cues), float(data.get("title_chars", 300))


def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    empty = {"provider": "(?!)", "client": "(?!)"}
    return re.compile("|".join(f"(?:{compile_phrase(p, empty)})" for p in phrases))


def scores(index: DocIndex, rules_dir: str) -> dict[str, float]:
    cues, title_chars = load_cues(rules_dir)
    title = index.text[: int(title_chars)]
    body = index.text
    out = {}
    for c in cues:
        tp, bp = _pattern(c.title), _pattern(c.body)
        score = c.title_weight if tp is not None and tp.search(title) else 0.0
        if bp is not None:
            score += min(c.body_cap, c.body_weight * len(bp.findall(body)))
        out[c.kind] = score
    return out


def detect(index: DocIndex, rules_dir: str) -> str:
    """The best-scoring kind above its minimum, else `other`."""
    cues, _ = load_cues(rules_dir)
    minimum = {c.kind: c.minimum for c in cues}
    ranked = sorted(scores(index, rules_dir).items(), key=lambda kv: -kv[1])
    for kind, score in ranked:
        if score >= minimum.get(kind, 3):
            return kind
    return "other"
