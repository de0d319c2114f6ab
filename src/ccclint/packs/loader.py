"""Load rule packs from folders: safe YAML, JSON-schema validation, semantic checks, and every
error reported as `file:line: path: message` (exit code 2)."""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ccclint import diskcache
from ccclint.errors import PackError, dotted, shown_path, suggestion
from ccclint.packs.model import Pack, Rule, RuleSet, Signal

MAX_PACK_FILE_BYTES = 1_000_000
NODE_KEYS = ("all", "any", "not", "near", "inside", "phrase", "term", "regex", "deadline", "percent", "mentions",
             "always", "kind", "annexes")


def builtin_rules_dir() -> str:
    """rules/ at the top of the project, or the copy installed inside the package."""
    here = os.path.dirname(os.path.abspath(__file__))
    for candidate in (os.path.join(here, "..", "..", "..", "rules"), os.path.join(here, "..", "rules")):
        if os.path.isfile(os.path.join(candidate, "common.yaml")):
            return os.path.normpath(candidate)
    raise PackError("built-in rules/ folder not found (broken installation)")


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return json.loads(resources.files("ccclint.packs").joinpath("schema.json").read_text(encoding="utf-8"))


def _validator(defname: str):
    import jsonschema

    schema = _schema()
    return jsonschema.Draft202012Validator({"$defs": schema["$defs"], "$ref": f"#/$defs/{defname}"})


def read_yaml(path: str) -> tuple[Any, yaml.Node | None]:
    """Parse YAML safely (no Python tags, no aliases: no anchor bombs); return data and node tree."""
    rel = shown_path(path)
    try:
        if os.path.getsize(path) > MAX_PACK_FILE_BYTES:
            raise PackError(f"{rel}:1: file larger than {MAX_PACK_FILE_BYTES} bytes")
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(f"{rel}:1: cannot read ({exc})") from None
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1
                raise PackError(f"{rel}:{line}: YAML aliases (*name) are not allowed in rule packs")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise PackError(f"{rel}:{line}: invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise PackError(f"{rel}:1: invalid YAML: {exc}") from None
    return data, node


def _line(node: yaml.Node | None, path: list[Any], key: str | None = None) -> int:
    """Line of the YAML node at `path` (and of `key` inside it when given)."""
    cur = node
    best = cur.start_mark.line + 1 if cur is not None else 1
    for part in list(path) + ([key] if key is not None else []):
        nxt = None
        if isinstance(cur, yaml.MappingNode):
            for k, v in cur.value:
                if k.value == part:
                    nxt = v if part != key or key is None else k
                    break
        elif isinstance(cur, yaml.SequenceNode) and isinstance(part, int) and part < len(cur.value):
            nxt = cur.value[part]
        if nxt is None:
            break
        cur = nxt
        best = cur.start_mark.line + 1
    return best


def _schema_errors(data: Any, node: yaml.Node | None, defname: str, rel: str) -> None:
    errors = list(_validator(defname).iter_errors(data))
    if not errors:
        return
    import jsonschema.exceptions as jx

    err = jx.best_match(errors, key=lambda e: (-len(e.absolute_path), jx.relevance(e)))
    # prefer the most precise error along oneOf branches
    while err.context:
        err = max(err.context, key=lambda e: len(e.absolute_path))
    path = list(err.absolute_path)
    if err.validator == "additionalProperties":
        extra = re.findall(r"'([^']+)'", err.message.split("(")[-1])
        allowed = list(err.schema.get("properties", {}))
        if extra:
            bad = extra[0]
            suggestion_text = suggestion(bad, allowed, f" (allowed: {', '.join(allowed)})")
            raise PackError(f"{rel}:{_line(node, path, bad)}: {dotted(path)}: unknown key '{bad}'{suggestion_text}")
    if err.validator == "required":
        raise PackError(f"{rel}:{_line(node, path)}: {dotted(path)}: {err.message}")
    if err.validator in ("maxProperties", "minProperties") and isinstance(err.instance, dict):
        keys = ", ".join(err.instance) or "nothing"
        raise PackError(f"{rel}:{_line(node, path)}: {dotted(path)}: a formula node takes exactly one of "
                        f"{', '.join(NODE_KEYS)} (found: {keys})")
    raise PackError(f"{rel}:{_line(node, path)}: {dotted(path)}: {err.message}")


def _formulas(obj: Any, path: list[Any]):
    """Yield (path, node dict) for every formula node inside obj."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in NODE_KEYS:
                yield path, obj
            yield from _formulas(v, path + [k])
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _formulas(v, path + [i])


def _check_terms_and_regex(data: Any, node: yaml.Node | None, rel: str, lexicon: dict[str, Any]) -> None:
    for path, f in _formulas(data, []):
        if "term" in f:
            names = f["term"] if isinstance(f["term"], list) else [f["term"]]
            for name in names:
                if name not in lexicon:
                    sug = suggestion(name, list(lexicon))
                    raise PackError(f"{rel}:{_line(node, path + ['term'])}: {dotted(path + ['term'])}: "
                                    f"unknown lexicon term '{name}'{sug}")
        if "regex" in f:
            pats = f["regex"].values() if isinstance(f["regex"], dict) else [f["regex"]]
            for pat in pats:
                try:
                    re.compile(pat)
                except re.error as exc:
                    raise PackError(f"{rel}:{_line(node, path + ['regex'])}: {dotted(path + ['regex'])}: "
                                    f"invalid regex: {exc}") from None
        for key in ("phrase", "inside"):
            if key in f:
                value = f[key]["heading"] if key == "inside" and isinstance(f[key], dict) else f[key]
                _check_phrases(value, node, path + [key], rel)


def _check_phrases(value: Any, node: yaml.Node | None, path: list[Any], rel: str) -> None:
    """A phrase with an unbalanced '(' would make every document fail later: refuse it at load time."""
    from ccclint.phrases import compile_phrase

    if isinstance(value, dict):
        items = [p for v in value.values() for p in ([v] if isinstance(v, str) else (v or []))]
    else:
        items = [value] if isinstance(value, str) else list(value or [])
    for phrase in items:
        try:
            re.compile(compile_phrase(phrase, {"provider": "(?:p)", "client": "(?:c)"}))
        except re.error as exc:
            raise PackError(f"{rel}:{_line(node, path)}: {dotted(path)}: invalid phrase '{phrase}': {exc}") from None


def load_common(rules_dir: str) -> dict[str, dict[str, list[str]]]:
    path = os.path.join(rules_dir, "common.yaml")
    data, node = read_yaml(path)
    _schema_errors(data or {}, node, "common", shown_path(path))
    return (data or {}).get("lexicon", {})


def load_pack(pack_dir: str, common: dict[str, Any], resolve: Any = None) -> Pack:
    """One pack folder; `resolve(name, where)` returns the pack a playbook `extends` (default: built-in packs)."""
    pack_file = os.path.join(pack_dir, "pack.yaml")
    if not os.path.isfile(pack_file):
        raise PackError(f"{shown_path(pack_dir)}: not a rule pack (no pack.yaml)")
    data, node = read_yaml(pack_file)
    rel = shown_path(pack_file)
    _schema_errors(data, node, "pack", rel)
    if data.get("extends"):  # a firm playbook (docs/rule-packs.md, "Firm playbooks")
        from ccclint.packs import playbook

        builtin = builtin_rules_dir()
        base_dirs = [os.path.join(builtin, d) for d in sorted(os.listdir(builtin))
                     if os.path.isfile(os.path.join(builtin, d, "pack.yaml"))]
        resolve = resolve or playbook.Resolver(base_dirs, common, load_pack).base
        base = resolve(data["extends"], f"{rel}:{_line(node, ['extends'])}")
        return playbook.extend_pack(data, node, pack_dir, rel, common, base, load_rule)
    lexicon = {**common, **(data.get("lexicon") or {})}
    for name, langs in (data.get("lexicon") or {}).items():
        _check_phrases(langs, node, ["lexicon", name], rel)
    _check_terms_and_regex(data.get("applies_to"), node, rel, lexicon)
    pack = Pack(data["name"], data["title"], str(data["version"]), data["applies_to"], data.get("lexicon") or {}, [],
                pack_dir, data.get("description", ""))
    for fname in sorted(os.listdir(pack_dir)):
        if fname == "pack.yaml" or not fname.endswith((".yaml", ".yml")):
            continue
        pack.rules.append(load_rule(os.path.join(pack_dir, fname), pack.name, lexicon))
    return pack


def load_rule(path: str, pack: str, lexicon: dict[str, Any]) -> Rule:
    data, node = read_yaml(path)
    rel = shown_path(path)
    if not isinstance(data, dict):
        raise PackError(f"{rel}:1: a rule file must be a mapping")
    _schema_errors(data, node, "rule", rel)
    stem = os.path.splitext(os.path.basename(path))[0]
    if data["id"] != stem:
        raise PackError(f"{rel}:{_line(node, ['id'])}: id: '{data['id']}' does not match the file name '{stem}'")
    _check_terms_and_regex(data, node, rel, lexicon)
    signals = []
    for i, s in enumerate(data.get("weak") or []):
        formula = {k: v for k, v in s.items() if k in NODE_KEYS}
        if len(formula) != 1:
            raise PackError(f"{rel}:{_line(node, ['weak', i])}: weak[{i}]: a weak signal takes exactly one formula node")
        signals.append(Signal(s["id"], s["reason"], s.get("within", "unit"), formula))
    ids = [s.id for s in signals]
    for dup in {x for x in ids if ids.count(x) > 1}:
        raise PackError(f"{rel}:{_line(node, ['weak'])}: weak: signal id '{dup}' is used twice")
    for i, ex in enumerate((data.get("examples") or {}).get("weak") or []):
        if ex.get("signal") and ex["signal"] not in ids and ex["signal"] != "negated":
            raise PackError(f"{rel}:{_line(node, ['examples', 'weak', i])}: examples.weak[{i}].signal: "
                            f"unknown signal '{ex['signal']}' (signals: {', '.join(ids) or 'none'})")
    return Rule(
        id=data["id"], pack=pack, title=data["title"], severity=data["severity"],
        references=tuple(data["references"]), fix=data["fix"], match=data["match"],
        scope=data.get("scope", "paragraph"), why=data.get("why") or {}, message=data.get("message") or {},
        applies_if=data.get("applies_if"), evidence=data.get("evidence"), weak=tuple(signals), examples=data.get("examples") or {},
        metadata=data.get("metadata") or {}, source=rel,
    )


def load(extra_dirs: tuple[str, ...] = (), packs: tuple[str, ...] = (), rules_dir: str | None = None) -> RuleSet:
    """Built-in packs plus every pack folder found in `extra_dirs`; `packs` keeps only those named.

    YAML parsing and schema validation cost seconds, so a validated RuleSet is kept on disk, keyed by
    the content of every pack file (see _cache_key); any doubt about the cache means a normal load."""
    path = _cache_path(extra_dirs, packs, rules_dir)
    cached = _cache_read(path) if path else None
    if cached is not None:
        return cached
    ruleset = _load(extra_dirs, packs, rules_dir)
    if path:
        _cache_write(path, ruleset)
    return ruleset


def _cache_path(extra_dirs: tuple[str, ...], packs: tuple[str, ...], rules_dir: str | None) -> str | None:
    """Cache file for this load: version, cwd (rule sources are shown relative to it), arguments and a
    hash of every YAML file and the schema. None when the inputs cannot all be read (load reports why)."""
    import hashlib

    from ccclint import __version__

    folder = diskcache.cache_dir("packs")
    if folder is None:
        return None
    try:
        base = rules_dir or builtin_rules_dir()
        h = hashlib.sha256(repr((__version__, os.getcwd(), base, extra_dirs, packs)).encode())
        h.update(resources.files("ccclint.packs").joinpath("schema.json").read_bytes())
        for top in (base, *extra_dirs):
            for root, dirs, files in os.walk(top):
                dirs.sort()
                for name in sorted(files):
                    if name.endswith((".yaml", ".yml")):
                        full = os.path.join(root, name)
                        h.update(full.encode() + b"\0")
                        with open(full, "rb") as fh:
                            h.update(fh.read(MAX_PACK_FILE_BYTES + 1))
    except (OSError, PackError):
        return None
    return os.path.join(folder, h.hexdigest() + ".pickle")


def _cache_read(path: str) -> RuleSet | None:
    ruleset = diskcache.read(path)
    return ruleset if isinstance(ruleset, RuleSet) else None


def _cache_write(path: str, ruleset: RuleSet) -> None:
    diskcache.write(path, ruleset)


def _load(extra_dirs: tuple[str, ...] = (), packs: tuple[str, ...] = (), rules_dir: str | None = None) -> RuleSet:
    base = rules_dir or builtin_rules_dir()
    common = load_common(base)
    dirs = [os.path.join(base, d) for d in sorted(os.listdir(base)) if os.path.isfile(os.path.join(base, d, "pack.yaml"))]
    for extra in extra_dirs:
        if not os.path.isdir(extra):
            raise PackError(f"{extra}: --rules folder not found")
        if os.path.isfile(os.path.join(extra, "pack.yaml")):
            dirs.append(extra)
        else:
            dirs += [os.path.join(extra, d) for d in sorted(os.listdir(extra))
                     if os.path.isfile(os.path.join(extra, d, "pack.yaml"))]
    candidates = list(dirs)  # where a playbook's base pack is looked up
    if packs:  # folders are named after their pack: skip the others without parsing them
        named = [d for d in dirs if os.path.basename(os.path.normpath(d)) in packs]
        dirs = named if {os.path.basename(os.path.normpath(d)) for d in named} >= set(packs) else dirs
    unique: dict[str, str] = {}
    for d in dirs:
        unique.setdefault(os.path.realpath(d), d)
    from ccclint.packs.playbook import Resolver

    resolver = Resolver(candidates, common, load_pack)
    loaded = [resolver.pack_at(d) for d in unique.values()]
    loaded = [p for p in loaded if p.name not in resolver.extended]  # a playbook replaces the pack it extends
    seen: dict[str, str] = {}
    for p in loaded:
        for r in p.rules:
            if r.id in seen:
                raise PackError(f"{r.source}:1: id: rule '{r.id}' is already defined in {seen[r.id]}")
            seen[r.id] = r.source
    if packs:
        unknown = set(packs) - {p.name for p in loaded} - resolver.extended
        if unknown:
            raise PackError(f"unknown pack(s): {', '.join(sorted(unknown))} (known: {', '.join(p.name for p in loaded)})")
        loaded = [p for p in loaded if p.name in packs]
    return RuleSet(loaded, common)
