"""What a rule formula needs in a unit before it can hold: the matcher evaluates a formula only on the units
that meet it (context.Context.candidates), which on a long contract is a small fraction of them."""

from __future__ import annotations

from typing import Any


def requirements(node: dict[str, Any]) -> list[list[tuple[str, Any]]]:
    """A necessary condition of `node` in a unit, as clauses of phrase / term / regex / inside nodes: every
    clause must have one of its nodes hold in the unit (a hit inside it, or for `inside` a heading above it that
    matches). `all` and `near` need each child's clauses; `any` needs one clause taken from each child
    (whichever child holds brings it); `not` and the typed nodes need nothing. Kept to a few clauses: fewer only
    weakens the filter, never changes a verdict."""
    (key, arg), = node.items()
    if key in ("phrase", "term", "regex", "inside"):
        return [[(key, arg)]]
    if key in ("all", "near"):
        children = arg if key == "all" else arg["of"]
        return [c for child in children for c in requirements(child)]
    if key == "any":
        merged: list[tuple[str, Any]] = []
        for child in arg:
            clauses = requirements(child)
            if not clauses:
                return []
            merged += min(clauses, key=len)
        return [merged]
    return []
