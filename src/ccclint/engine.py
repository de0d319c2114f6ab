"""Check one file end to end: parse -> structure -> index -> language, kind, parties -> rules.

`check_file` never raises for a bad input: it returns a DocumentResult with `error` set, so a
batch goes on. Matching itself is pure; only parsing touches the file (read-only).
"""

from __future__ import annotations

import fnmatch
import os
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any

from ccclint import kinds, lang, ocr
from ccclint.docindex import DocIndex
from ccclint.errors import InputError
from ccclint.extractors import Parties, find_parties
from ccclint.findings import Finding, to_finding
from ccclint.context import Context
from ccclint.matcher import evaluate, evaluate_rule
from ccclint.phrases import compile_phrase
from ccclint.model import Document
from ccclint.packs.loader import builtin_rules_dir
from ccclint.packs.model import Pack, RuleSet
from ccclint.parsers import Limits, parse_file
from ccclint.segment import structure


@dataclass
class Options:
    kind: str = "auto"
    lang: str = "auto"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    timeout: float = 120.0  # seconds per file, 0 = none; enforced by runner (a hostile file must not hang a batch)
    ocr: str = "auto"  # auto|always|never: OCR for PDF pages without a text layer (ccclint.ocr)


@dataclass
class DocumentResult:
    path: str
    format: str | None = None
    sha256: str | None = None
    language: str | None = None
    kind: str | None = None
    pages: int | None = None
    error: dict[str, str] | None = None
    results: list[Finding] = field(default_factory=list)
    parties: dict[str, list[str]] = field(default_factory=dict)


def selected(rule_id: str, pack: str, options: Options) -> bool:
    def hit(patterns: tuple[str, ...]) -> bool:
        return any(rule_id == p or pack == p or rule_id.startswith(p.rstrip("-") + "-") for p in patterns)

    if options.select and not hit(options.select):
        return False
    return not hit(options.ignore)


# `{provider}` / `{client}` stand for the role words of the lexicon or the names the contract defines. The
# names differ in every contract; so that the compiled patterns do not (compiling hundreds of regexes per
# contract would cost more than matching them), the names are marked in a copy of the folded text
# (DocIndex.party_text) and a placeholder matches a role word or a marked name.
PARTY_MARKS = {"provider": "[\x01\x03]+", "client": "[\x02\x03]+"}


def role_words(lexicon: dict[str, dict[str, list[str]]]) -> dict[str, list[str]]:
    """The words that name each party in any contract (rules/common.yaml and the pack's lexicon)."""
    return {role: [w for lng in ("fr", "en") for w in lexicon.get(role, {}).get(lng, [])] for role in PARTY_MARKS}


@lru_cache(maxsize=64)
def _party_regex(provider_words: tuple[str, ...], client_words: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    out = []
    for role, words in (("provider", provider_words), ("client", client_words)):
        # longest first, then alphabetical: the same pattern text in every process (a set's order is not)
        alts = sorted({compile_phrase(n, {"provider": "(?!)", "client": "(?!)"}) for n in words}, key=lambda a: (-len(a), a))
        out.append((role, "(?:" + "|".join(alts + [PARTY_MARKS[role]]) + ")"))
    return tuple(out)


def party_regex(words: dict[str, list[str]]) -> dict[str, str]:
    """Regex of each placeholder: its role words, or a name marked in DocIndex.party_text."""
    return dict(_party_regex(tuple(words.get("provider", ())), tuple(words.get("client", ()))))


def context(index: DocIndex, lexicon: dict[str, dict[str, list[str]]]) -> Context:
    words = role_words(lexicon)
    return Context(index, lexicon, party_regex(words), words)


def document_parties(index: DocIndex, ruleset: RuleSet) -> Parties:
    """The parties' names defined in the preamble, sorted by the role words of rules/common.yaml."""
    words = {r: {w for lng in ("fr", "en") for w in ruleset.common.get(r, {}).get(lng, [])} for r in ("provider", "client")}
    return find_parties([(p.block.text, f.text) for p, f in zip(index.structure.paragraphs, index.folded)],
                        words["provider"], words["client"])


def index_document(doc: Document, ruleset: RuleSet, options: Options, rules_dir: str) -> DocIndex:
    index = DocIndex.build(doc, structure(doc))
    index.lang = options.lang if options.lang in ("fr", "en") else lang.detect([f.text for f in index.folded])
    index.parties = document_parties(index, ruleset)
    index.kind = options.kind if options.kind in kinds.KINDS else kinds.detect(index, rules_dir)
    return index


def pack_applies(pack: Pack, ctx: Context) -> bool:
    spec = pack.applies_to.get(ctx.index.kind, False)
    if isinstance(spec, bool):
        return spec
    return bool(evaluate(spec, ctx.index.document_unit, ctx))


def evaluate_document(index: DocIndex, ruleset: RuleSet, options: Options) -> list[Finding]:
    out: list[Finding] = []
    for pack in ruleset.packs:
        lexicon = ruleset.lexicon_for(pack.name)
        ctx = context(index, lexicon)
        applies = pack_applies(pack, ctx)
        for rule in pack.rules:
            if not selected(rule.id, pack.name, options):
                continue
            out.append(to_finding(evaluate_rule(rule, ctx, applies), index))
    return out


def check_file(path: str, ruleset: RuleSet, options: Options, rules_dir: str | None = None) -> DocumentResult:
    result = DocumentResult(path=path)
    try:
        with ocr.mode(options.ocr):
            doc = parse_file(path, options.limits)
    except InputError as exc:
        result.error = {"code": exc.code, "message": exc.message}
        return result
    index = index_document(doc, ruleset, options, rules_dir or builtin_rules_dir())
    result.format, result.sha256, result.pages = doc.format, doc.sha256, doc.pages
    result.language, result.kind = index.lang, index.kind
    result.parties = {"provider": list(index.parties.provider), "client": list(index.parties.client)}
    result.results = evaluate_document(index, ruleset, options)
    return result


SUFFIXES = (".docx", ".pdf", ".md", ".markdown", ".txt")


def glob_wanted(path: str, include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> bool:
    """--include/--exclude: a glob without '/' matches the file name ('*.pdf'); one with '/' matches
    any trailing part of the path ('drafts/*', '**/old/*.docx')."""
    parts = path.replace(os.sep, "/").split("/")
    tails = ["/".join(parts[i:]) for i in range(len(parts))]

    def hit(globs: tuple[str, ...]) -> bool:
        for g in globs:
            g = g.replace(os.sep, "/").removeprefix("**/")
            if any(fnmatch.fnmatchcase(t, g) for t in (tails if "/" in g else tails[-1:])):
                return True
        return False

    return (not include or hit(include)) and not hit(exclude)


def expand_paths(paths: list[str], include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> list[str]:
    """Files as given, folders walked recursively (sorted, symlinked folders followed once); the
    include/exclude globs filter the walked files only: a file named on the command line is checked."""
    out: list[str] = []
    seen_dirs: set[str] = set()
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p, followlinks=True):
                real = os.path.realpath(root)
                if real in seen_dirs:
                    dirs[:] = []
                    continue
                seen_dirs.add(real)
                dirs.sort()
                for f in sorted(files):
                    if f.lower().endswith(SUFFIXES) and not f.startswith((".", "~$")) and ".ccclint." not in f \
                            and glob_wanted(os.path.join(root, f), include, exclude):
                        out.append(os.path.join(root, f))
        else:
            out.append(p)
    return out


def summary(documents: list[DocumentResult]) -> dict[str, Any]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for d in documents:
        for f in d.results:
            if f.is_finding and f.severity in counts:  # baselined or waived results are not findings
                counts[f.severity] += 1
    return {"documents": len(documents), "unreadable": sum(1 for d in documents if d.error), "findings": counts}
