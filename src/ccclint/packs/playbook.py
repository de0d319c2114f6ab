"""Firm playbooks: a pack whose pack.yaml says `extends: <pack>` takes over that pack's rules with the firm's
severities, thresholds and wording (`overrides:`), extra lexicon phrases and its own rule files, without copying
the base pack. The base pack is then dropped from the rule set, so every rule id stays unique."""

from __future__ import annotations

import os
from dataclasses import replace
from functools import partial
from typing import Any, Callable

import yaml

from ccclint.errors import PackError, suggestion
from ccclint.packs.model import Pack, Rule, Signal

LoadPack = Callable[..., Pack]


def merge_lexicon(base: dict[str, Any], common: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """The base pack's lexicon with the playbook's phrases appended; a term of common.yaml is extended, not replaced."""
    merged = {name: {lang: list(v) for lang, v in entry.items()} for name, entry in base.items()}
    for name, entry in extra.items():
        target = merged.setdefault(name, {lang: list(v) for lang, v in (common.get(name) or {}).items()})
        for lang, phrases in entry.items():
            have = target.setdefault(lang, [])
            have += [p for p in phrases if p not in have]
    return merged


def _text(base: dict[str, str], new: dict[str, str] | None) -> dict[str, str]:
    return {**base, **(new or {})}


def apply_override(rule: Rule, override: dict[str, Any], pack: str, where: Callable[[list[Any]], str]) -> Rule:
    """A new frozen Rule: `rule` with the playbook's severity, wording, weak-signal thresholds and examples.

    `where(path)` gives `file:line` of a path under `overrides.<RULE-ID>` for error messages."""
    from ccclint.packs.loader import NODE_KEYS

    signals_over = override.get("weak") or {}
    known = [s.id for s in rule.weak]
    for sid in signals_over:
        if sid not in known:
            sug = suggestion(sid, known, f" (signals: {', '.join(known) or 'none'})")
            raise PackError(f"{where(['weak', sid])}: overrides.{rule.id}.weak.{sid}: unknown signal '{sid}' "
                            f"of rule {rule.id}{sug}")
    signals = []
    for s in rule.weak:
        so = signals_over.get(s.id) or {}
        formula = {k: v for k, v in so.items() if k in NODE_KEYS}
        if len(formula) > 1:
            raise PackError(f"{where(['weak', s.id])}: overrides.{rule.id}.weak.{s.id}: "
                            f"a weak signal takes exactly one formula node (found: {', '.join(formula)})")
        signals.append(Signal(s.id, _text(s.reason, so.get("reason")), so.get("within", s.within), formula or s.formula))
    examples = {**rule.examples, **(override.get("examples") or {})}
    for i, ex in enumerate(examples.get("weak") or []):
        if ex.get("signal") and ex["signal"] not in known and ex["signal"] != "negated":
            raise PackError(f"{where(['examples', 'weak', i])}: overrides.{rule.id}.examples.weak[{i}].signal: "
                            f"unknown signal '{ex['signal']}' (signals: {', '.join(known) or 'none'})")
    message_over = override.get("message") or {}
    message = {status: _text(rule.message.get(status) or {}, message_over.get(status))
               for status in sorted(set(rule.message) | set(message_over))}
    return replace(
        rule, pack=pack, severity={**rule.severity, **(override.get("severity") or {})},
        title=_text(rule.title, override.get("title")), why=_text(rule.why, override.get("why")),
        fix=_text(rule.fix, override.get("fix")), message=message, match=override.get("match", rule.match),
        weak=tuple(signals), examples=examples, metadata={**rule.metadata, **(override.get("metadata") or {})},
    )


def extend_pack(data: dict[str, Any], node: yaml.Node | None, pack_dir: str, rel: str, common: dict[str, Any],
                base: Pack, load_rule: Callable[..., Rule]) -> Pack:
    """The playbook pack: base rules overridden (same ids), extended lexicon, plus the playbook's own rule files."""
    from ccclint.packs.loader import _check_terms_and_regex, _line

    name = data["name"]
    lexicon = merge_lexicon(base.lexicon, common, data.get("lexicon") or {})
    full = {**common, **lexicon}
    overrides = data.get("overrides") or {}
    by_id = {r.id: r for r in base.rules}
    for rid in overrides:
        if rid not in by_id:
            sug = suggestion(rid, list(by_id))
            raise PackError(f"{rel}:{_line(node, ['overrides'], rid)}: overrides.{rid}: unknown rule '{rid}' "
                            f"in pack '{base.name}'{sug}")
    _check_terms_and_regex({"overrides": overrides, "applies_to": data.get("applies_to")}, node, rel, full)
    rules = []
    for r in base.rules:
        if r.id in overrides:
            where = partial(_where, rel, node, _line, ["overrides", r.id])
            rules.append(apply_override(r, overrides[r.id] or {}, name, where))
        else:
            rules.append(replace(r, pack=name))
    for fname in sorted(os.listdir(pack_dir)):
        if fname == "pack.yaml" or not fname.endswith((".yaml", ".yml")):
            continue
        rule = load_rule(os.path.join(pack_dir, fname), name, full)
        if rule.id in by_id:
            raise PackError(f"{rule.source}:1: id: rule '{rule.id}' is already defined in pack '{base.name}' "
                            f"(change it under `overrides:` in pack.yaml instead)")
        rules.append(rule)
    return Pack(name, data.get("title") or base.title, str(data.get("version", base.version)),
                data.get("applies_to") or base.applies_to, lexicon, rules, pack_dir,
                data.get("description", base.description))


def _where(rel: str, node: yaml.Node | None, line: Callable[..., int], prefix: list[Any], path: list[Any]) -> str:
    """`file:line` of the key at the end of `prefix + path` in pack.yaml."""
    return f"{rel}:{line(node, prefix + path[:-1], path[-1])}"


class Resolver:
    """Loads each pack folder once and finds the pack a playbook extends (by folder name, then by `name:`)."""

    def __init__(self, candidates: list[str], common: dict[str, Any], load_pack: LoadPack) -> None:
        self.candidates = candidates
        self.common = common
        self._load_pack = load_pack
        self._by_dir: dict[str, Pack] = {}
        self._in_progress: list[str] = []
        self.extended: set[str] = set()

    def pack_at(self, pack_dir: str) -> Pack:
        key = os.path.realpath(pack_dir)
        if key not in self._by_dir:
            self._in_progress.append(key)
            try:
                self._by_dir[key] = self._load_pack(pack_dir, self.common, resolve=self.base)
            finally:
                self._in_progress.pop()
        return self._by_dir[key]

    def base(self, name: str, where: str) -> Pack:
        """The pack named `name`; `where` (file:line) locates the `extends:` for error messages."""
        found = [d for d in self.candidates if os.path.basename(os.path.normpath(d)) == name]
        found = found or [d for d in self.candidates if _declared_name(d) == name]
        if not found:
            known = sorted({os.path.basename(os.path.normpath(d)) for d in self.candidates})
            raise PackError(f"{where}: extends: unknown pack '{name}' (known: {', '.join(known)})")
        if os.path.realpath(found[0]) in self._in_progress:
            raise PackError(f"{where}: extends: cycle through pack '{name}'")
        pack = self.pack_at(found[0])
        self.extended.add(pack.name)
        return pack


def _declared_name(pack_dir: str) -> str | None:
    try:
        with open(os.path.join(pack_dir, "pack.yaml"), encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return None
    return data.get("name") if isinstance(data, dict) else None
