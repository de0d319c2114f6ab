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

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

from ccclint import regexcache
from ccclint.docindex import DocIndex
from ccclint.errors import PackError
from ccclint.phrases import compile_phrase, matches_at, phrase_starts

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
    beats: tuple[str, ...] = ()


@lru_cache(maxsize=4)
def load_cues(rules_dir: str) -> tuple[tuple[KindCues, ...], float]:
    path = os.path.join(rules_dir, "kinds.yaml")
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=_YAML_LOADER)  # built-in data: libyaml's safe loader when present
    except (OSError, yaml.YAMLError) as exc:
        raise PackError(f"{path}:1: cannot load document kinds ({exc})") from None
    cues = []
    for kind, spec in data["kinds"].items():
        if kind not in KINDS:
            raise PackError(f"{path}:1: unknown kind '{kind}' (known: {', '.join(KINDS)})")
        cues.append(KindCues(kind, tuple(spec.get("title", [])), tuple(spec.get("body", [])),
                             float(spec.get("title_weight", 5)), float(spec.get("body_weight", 1)),
                             float(spec.get("body_cap", 6)), float(spec.get("minimum", 3)),
                             tuple(spec.get("beats", []))))
    return tuple(cues), float(data.get("title_chars", 150))


@lru_cache(maxsize=64)
def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    empty = {"provider": "(?!)", "client": "(?!)"}
    return regexcache.compile("|".join(f"(?:{compile_phrase(p, empty)})" for p in phrases))


def scores(index: DocIndex, rules_dir: str) -> dict[str, float]:
    cues, title_chars = load_cues(rules_dir)
    title = title_text(index, int(title_chars)).replace("\n", " ")  # a title may wrap over two lines
    body = index.text
    out = {}
    for c in cues:
        tp, bp = _pattern(c.title), _pattern(c.body)
        score = c.title_weight if tp is not None and tp.search(title) else 0.0
        if bp is not None:
            starts = phrase_starts(c.body, index.starts_of)
            found = len(bp.findall(body)) if starts is None else sum(1 for _ in matches_at(bp, body, starts))
            score += min(c.body_cap, c.body_weight * found)
        out[c.kind] = score
    return out


def title_text(index: DocIndex, chars: int) -> str:
    """The opening characters plus the headings of the first paragraphs: where a contract names itself."""
    headings = [index.folded[i].text for i, p in enumerate(index.structure.paragraphs[:15])
                if p.block.kind == "heading" or (p.heading == p.block.text.strip() and len(p.block.text) < 120)]
    return index.text[:chars] + "\n" + "\n".join(headings)


def detect(index: DocIndex, rules_dir: str) -> str:
    """The best-scoring kind above its minimum (a kind that `beats` another wins over it), else `other`."""
    cues, _ = load_cues(rules_dir)
    spec = {c.kind: c for c in cues}
    score = scores(index, rules_dir)
    passing = [k for k, v in sorted(score.items(), key=lambda kv: -kv[1]) if v >= spec[k].minimum]
    if not passing:
        return "other"
    best = passing[0]
    for kind in passing[1:]:
        if best in spec[kind].beats:
            best = kind
    return best
