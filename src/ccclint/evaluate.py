"""`ccclint eval`: accuracy against a labelled corpus (design §5). Findings (weak or missing) are
the positive class: precision, recall, F1, F2 per rule and overall; 4-status accuracy; kind
accuracy; evidence hit rate; and the wrong cells with what was expected."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from typing import Any

import yaml

from ccclint.engine import Options, check_file
from ccclint.errors import UsageError
from ccclint.normalize import fold_text
from ccclint.packs import loader


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    f2 = 5 * p * r / (4 * p + r) if 4 * p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4), "f2": round(f2, 4),
            "tp": tp, "fp": fp, "fn": fn}


def _words(text: str) -> set[str]:
    """Words of 3+ letters; Markdown emphasis (_Processor_, **Term**) in a label does not count."""
    return set(re.findall(r"[^\W_]{3,}", fold_text(text)))


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[_*`]+", " ", fold_text(text)).split())


def evidence_hit(expected: str, quoted: list[str]) -> bool:
    """The quoted evidence overlaps the labelled one (half of the labelled words, or containment)."""
    if not expected or not quoted:
        return False
    exp = _words(expected)
    if not exp:
        return True
    fe = _plain(expected)
    for q in quoted:
        fq = _plain(q)
        if fe[:60] in fq or fq[:60] in fe:
            return True
        if len(exp & _words(q)) >= 0.5 * len(exp):
            return True
    return False


def load_labels(path: str) -> list[dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"{path}: cannot read labels ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise UsageError(f"{path}: not a labels file (expected a 'documents' list)")
    return data["documents"]


def evaluate(labels_path: str, rules: tuple[str, ...] = (), files: list[str] | None = None,
             rule_prefixes: tuple[str, ...] = (), packs: tuple[str, ...] = (),
             all_renderings: bool = False) -> dict[str, Any]:
    docs = load_labels(labels_path)
    base = os.path.dirname(os.path.abspath(labels_path))
    ruleset = loader.load(rules, packs)
    scored = {r.id for r in ruleset.rules}
    options = Options()
    per_rule: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])  # tp fp fn correct total
    wrong, kinds_ok, ev_hits, ev_total, documents = [], 0, 0, 0, []
    expanded = []
    for entry in docs:
        expanded.append(entry)
        if all_renderings:  # the same contract as .md / .docx / .pdf must get the same verdicts
            stem, ext = os.path.splitext(entry["file"])
            for other in (".md", ".docx", ".pdf"):
                if other != ext and os.path.isfile(os.path.join(base, stem + other)):
                    expanded.append({**entry, "file": stem + other})
    for entry in expanded:
        if files and entry["file"] not in files:
            continue
        path = os.path.join(base, entry["file"])
        result = check_file(path, ruleset, options)
        got = {f.rule: f for f in result.results}
        kind_ok = result.kind == entry.get("kind")
        kinds_ok += kind_ok
        documents.append({"file": entry["file"], "kind": entry.get("kind"), "detected_kind": result.kind,
                          "error": result.error})
        for rule_id, label in (entry.get("labels") or {}).items():
            if rule_prefixes and not rule_id.startswith(rule_prefixes):
                continue
            if packs and rule_id not in scored:
                continue
            exp = label["status"]
            f = got.get(rule_id)
            status = f.status if f else "unscored"
            pos_exp, pos_got = exp in ("weak", "missing"), status in ("weak", "missing")
            c = per_rule[rule_id]
            c[0] += pos_exp and pos_got
            c[1] += pos_got and not pos_exp
            c[2] += pos_exp and not pos_got
            c[3] += exp == status
            c[4] += 1
            quoted = [e.text for e in f.evidence] if f else []
            if exp in ("present", "weak") and status == exp and label.get("evidence"):
                ev_total += 1
                ev_hits += evidence_hit(label["evidence"], quoted)
            if exp != status:
                wrong.append({"file": entry["file"], "rule": rule_id, "expected": exp, "got": status,
                              "where": label.get("where"), "expected_evidence": label.get("evidence"),
                              "why": label.get("why"), "quoted": quoted[:1], "signals": f.signals if f else []})
    totals = [sum(c[i] for c in per_rule.values()) for i in range(5)]
    return {
        "overall": {**_prf(*totals[:3]), "accuracy": round(totals[3] / totals[4], 4) if totals[4] else 0.0,
                    "cells": totals[4]},
        "kind_accuracy": round(kinds_ok / len(documents), 4) if documents else 0.0,
        "evidence_hit_rate": round(ev_hits / ev_total, 4) if ev_total else 1.0,
        "rules": {r: {**_prf(*c[:3]), "accuracy": round(c[3] / c[4], 4)} for r, c in sorted(per_rule.items())},
        "documents": documents,
        "wrong": wrong,
    }


def render_text(result: dict[str, Any], show_wrong: bool = True) -> str:
    lines = []
    if show_wrong and result["wrong"]:
        lines.append("Wrong cells:")
        for w in result["wrong"]:
            lines.append(f"  {w['file']} {w['rule']}: expected {w['expected']}, got {w['got']}"
                         + (f" [{', '.join(w['signals'])}]" if w["signals"] else ""))
            if w.get("why"):
                lines.append(f"      why: {w['why']}")
            if w.get("expected_evidence"):
                lines.append(f"      expected evidence: {w['expected_evidence'][:160]}")
            if w.get("quoted"):
                lines.append(f"      quoted: {w['quoted'][0][:160]}")
        lines.append("")
    for d in result["documents"]:
        if d["kind"] != d["detected_kind"] or d["error"]:
            lines.append(f"kind: {d['file']}: expected {d['kind']}, detected {d['detected_kind']}"
                         + (f" (error: {d['error']['message']})" if d["error"] else ""))
    lines.append(f"{'rule':<30} {'P':>6} {'R':>6} {'F1':>6} {'acc':>6}  tp fp fn")
    for rule, m in result["rules"].items():
        lines.append(f"{rule:<30} {m['precision']:>6.2f} {m['recall']:>6.2f} {m['f1']:>6.2f} {m['accuracy']:>6.2f}"
                     f"  {m['tp']:>2} {m['fp']:>2} {m['fn']:>2}")
    o = result["overall"]
    lines.append(f"kind accuracy {result['kind_accuracy']:.2f}; evidence hit rate {result['evidence_hit_rate']:.2f}")
    lines.append(f"4-status accuracy {o['accuracy']:.3f} over {o['cells']} cells")
    lines.append(f"findings: precision {o['precision']:.3f}, recall {o['recall']:.3f}, F1 {o['f1']:.3f}, F2 {o['f2']:.3f}")
    return "\n".join(lines)
