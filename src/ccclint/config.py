"""Project configuration: `.ccclint.yaml` or `[tool.ccclint]` in pyproject.toml, found by walking up
from the first checked path (or named with `--config`), merged with the command line into one
frozen `Settings`. A CI job and a developer's laptop thus lint with the same rules.

Every mistake (unknown key, wrong type) is a UsageError `file:line: key: message` (exit code 2).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ccclint.errors import UsageError, dotted, shown_path, suggestion

CONFIG_NAMES = (".ccclint.yaml", ".ccclint.yml")
KINDS = ("auto", "dpa", "services", "call-centre", "sla", "other")
FAIL_ON = ("error", "warning", "info", "never")
TOP_KEYS = ("packs", "rules", "select", "ignore", "per-path-ignores", "kinds", "fail-on", "formats", "exclude",
            "waivers", "baseline", "lang")
WAIVER_KEYS = ("rule", "path", "reason", "approved_by", "expires")


@dataclass(frozen=True)
class Waiver:
    """An accepted finding: signed off by someone, for a reason, until a date."""

    rule: str
    path: str
    reason: str
    approved_by: str
    expires: dt.date


@dataclass(frozen=True)
class Settings:
    """Everything a check needs beyond the paths; CLI flags already applied over the file."""

    packs: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    kinds: tuple[tuple[str, str], ...] = ()
    kind: str = "auto"
    lang: str = "auto"
    fail_on: str = "error"
    formats: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    waivers: tuple[Waiver, ...] = ()
    baseline: str | None = None
    root: str = "."  # folder the globs are relative to: the config file's, else the working directory
    source: str | None = None  # the config file used, for messages


# ---- globs --------------------------------------------------------------------------------------------

def _glob_regex(pattern: str) -> re.Pattern[str]:
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z")


def relative(path: str, root: str) -> str:
    """`path` relative to `root` with '/' separators (as given when it lies outside root)."""
    try:
        rel = os.path.relpath(os.path.realpath(path), os.path.realpath(root))
    except ValueError:
        rel = path
    if rel.startswith(".."):
        rel = os.path.normpath(path)
    return rel.replace(os.sep, "/")


def glob_match(pattern: str, path: str, root: str) -> bool:
    """gitignore-like: `**` spans folders, a pattern without '/' matches a name at any depth, a
    pattern naming a folder matches everything below it."""
    rel = relative(path, root)
    pattern = pattern.strip()
    pattern = pattern[2:] if pattern.startswith("./") else pattern
    pattern = pattern.rstrip("/")
    if "/" not in pattern:
        pattern = "**/" + pattern
    return bool(_glob_regex(pattern).match(rel) or _glob_regex(pattern + "/**").match(rel))


# ---- finding and reading the file ---------------------------------------------------------------------

def discover(start: str) -> str | None:
    """First `.ccclint.yaml` or pyproject.toml with [tool.ccclint], walking up from `start`."""
    here = os.path.abspath(start)
    if not os.path.isdir(here):
        here = os.path.dirname(here)
    while True:
        for name in CONFIG_NAMES:
            if os.path.isfile(os.path.join(here, name)):
                return os.path.join(here, name)
        pyproject = os.path.join(here, "pyproject.toml")
        if os.path.isfile(pyproject) and _has_tool_section(pyproject):
            return pyproject
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def _has_tool_section(path: str) -> bool:
    try:
        with open(path, encoding="utf-8") as fh:
            return any(re.match(r"\s*\[tool\.ccclint[\].]", line) for line in fh)
    except (OSError, UnicodeDecodeError):
        return False


@dataclass
class _Source:
    """The raw mapping plus a way back to line numbers for messages."""

    path: str
    data: dict[str, Any]
    lines: Any = field(default=None)  # yaml node, or the TOML text

    def line(self, keys: list[Any]) -> int:
        if isinstance(self.lines, yaml.Node):
            return _yaml_line(self.lines, keys)
        if isinstance(self.lines, str):
            return _toml_line(self.lines, [k for k in keys if isinstance(k, str)])
        return 1

    def error(self, keys: list[Any], message: str) -> UsageError:
        return UsageError(f"{self.path}:{self.line(keys)}: {dotted(keys)}: {message}")


def _yaml_line(node: yaml.Node, keys: list[Any]) -> int:
    cur, best = node, node.start_mark.line + 1
    for i, part in enumerate(keys):
        nxt = None
        if isinstance(cur, yaml.MappingNode):
            for k, v in cur.value:
                if k.value == part:
                    nxt = k if i == len(keys) - 1 else v
                    break
        elif isinstance(cur, yaml.SequenceNode) and isinstance(part, int) and part < len(cur.value):
            nxt = cur.value[part]
        if nxt is None:
            break
        cur, best = nxt, nxt.start_mark.line + 1
    return best


def _toml_line(text: str, keys: list[str]) -> int:
    """tomllib keeps no positions: find the key's line inside the [tool.ccclint...] tables."""
    inside, found = False, 1
    for n, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"\s*\[\[?\s*([^\]]+?)\s*\]\]?", line)
        if header:
            inside = header.group(1).startswith("tool.ccclint")
            if inside and keys and header.group(1).endswith("." + keys[0]):
                found = n
            continue
        if inside and keys and re.match(rf"\s*[\"']?{re.escape(keys[-1])}[\"']?\s*=", line):
            return n
    return found


def read(path: str) -> _Source:
    shown = shown_path(path)
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{shown}:1: cannot read the configuration ({exc})") from None
    if path.endswith(".toml"):
        import tomllib

        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = re.search(r"line (\d+)", str(exc))
            raise UsageError(f"{shown}:{line.group(1) if line else 1}: invalid TOML: {exc}") from None
        data = doc.get("tool", {}).get("ccclint", doc if os.path.basename(path) != "pyproject.toml" else {})
        return _Source(shown, data, text)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise UsageError(f"{shown}:{mark.line + 1 if mark else 1}: invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"{shown}:1: invalid YAML: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UsageError(f"{shown}:1: the configuration must be a mapping of keys")
    return _Source(shown, data, node)


# ---- validation ---------------------------------------------------------------------------------------

def _unknown(src: _Source, keys: list[Any], got: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for key in got:
        if key not in allowed:
            tail = suggestion(str(key), allowed, f" (allowed: {', '.join(allowed)})", cutoff=0.5)
            raise UsageError(f"{src.path}:{src.line(keys + [key])}: {dotted(keys + [key])}: unknown key '{key}'{tail}")


def _strings(src: _Source, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise src.error([key], "must be a list of strings")
    return tuple(value)


def _mapping(src: _Source, key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise src.error([key], "must be a mapping of glob: value")
    return value


def _date(src: _Source, keys: list[Any], value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise src.error(keys, f"'{value}' is not a date (YYYY-MM-DD)") from None


def _waivers(src: _Source, value: Any) -> tuple[Waiver, ...]:
    if not isinstance(value, list):
        raise src.error(["waivers"], "must be a list of {rule, path, reason, approved_by, expires}")
    out = []
    for i, item in enumerate(value):
        keys: list[Any] = ["waivers", i]
        if not isinstance(item, dict):
            raise src.error(keys, "must be a mapping {rule, path, reason, approved_by, expires}")
        _unknown(src, keys, item, WAIVER_KEYS)
        for req in ("rule", "reason", "approved_by", "expires"):
            if not str(item.get(req) or "").strip():
                raise src.error(keys, f"'{req}' is required (a waiver says what, why, who and until when)")
        out.append(Waiver(str(item["rule"]), str(item.get("path") or "**"), str(item["reason"]),
                          str(item["approved_by"]), _date(src, keys + ["expires"], item["expires"])))
    return tuple(out)


def parse(src: _Source) -> dict[str, Any]:
    """The file's keys as Settings fields (paths resolved against the file's folder)."""
    data, root = src.data, os.path.dirname(os.path.abspath(src.path))
    _unknown(src, [], data, TOP_KEYS)
    out: dict[str, Any] = {}
    for key in ("packs", "select", "ignore", "exclude", "formats"):
        if key in data:
            out[key] = _strings(src, key, data[key])
    if "rules" in data:
        out["rules"] = tuple(os.path.normpath(os.path.join(root, d)) for d in _strings(src, "rules", data["rules"]))
    if "formats" in out:
        out["formats"] = tuple(_resolve_format(f, root) for f in out["formats"])
    if "per-path-ignores" in data:
        out["per_path_ignores"] = tuple(
            (glob, _strings(src, "per-path-ignores", ids))
            for glob, ids in _mapping(src, "per-path-ignores", data["per-path-ignores"]).items())
    if "kinds" in data:
        kinds = _mapping(src, "kinds", data["kinds"])
        for glob, kind in kinds.items():
            if kind not in KINDS:
                raise src.error(["kinds", glob], f"unknown kind '{kind}' ({'|'.join(KINDS)})")
        out["kinds"] = tuple(kinds.items())
    for key, allowed in (("fail-on", FAIL_ON), ("lang", ("auto", "fr", "en"))):
        if key in data:
            if data[key] not in allowed:
                raise src.error([key], f"unknown value '{data[key]}' ({'|'.join(allowed)})")
            out[key.replace("-", "_")] = data[key]
    if "baseline" in data:
        if not isinstance(data["baseline"], str):
            raise src.error(["baseline"], "must be a file name")
        out["baseline"] = os.path.normpath(os.path.join(root, data["baseline"]))
    if "waivers" in data:
        out["waivers"] = _waivers(src, data["waivers"])
    return out


def _resolve_format(spec: str, root: str) -> str:
    fmt, sep, path = spec.partition(":")
    return f"{fmt}:{os.path.normpath(os.path.join(root, path))}" if sep and path else spec


def load(paths: list[str], config_file: str | None = None, **cli: Any) -> Settings:
    """Settings from the config file (named or discovered) with every CLI value that is set on top.

    `cli` takes Settings field names; None or an empty tuple means "not given on the command line".
    """
    path = config_file
    if path is not None and not os.path.isfile(path):
        raise UsageError(f"--config: file not found: {path}")
    if path is None and paths:
        path = discover(paths[0])
    values: dict[str, Any] = {}
    if path is not None:
        src = read(path)
        values = parse(src)
        values["root"] = os.path.dirname(os.path.abspath(path))
        values["source"] = src.path
    else:
        values["root"] = os.getcwd()
    for key, value in cli.items():
        if value not in (None, (), [], "auto") or (value == "auto" and key not in values):
            values[key] = tuple(value) if isinstance(value, list) else value
    return Settings(**values)
