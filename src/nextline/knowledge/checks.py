"""The cross-checks every knowledge section shares: source references exist, ids are unique.

One place for them, so a knowledge file of any section fails the same way for the same
defect (and `nextline kb check` reports it in the same words)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nextline.errors import Problem
from nextline.knowledge.schema import Source, SourceRef


def check_source_refs(
    owner: str, refs: Iterable[SourceRef], sources: dict[str, Source], problems: list[Problem]
) -> None:
    """Add a problem for every reference to a source that `sources` does not hold."""
    for ref in refs:
        if ref.id not in sources:
            problems.append(Problem(owner, f"names unknown source {ref.id!r}"))


def unique_by_id(items: Iterable[Any], owner: str, problems: list[Problem]) -> dict[str, Any]:
    """Items by their `id`; a repeated id is a problem (the later item wins)."""
    out: dict[str, Any] = {}
    for item in items:
        if item.id in out:
            problems.append(Problem(f"{owner}:{item.id}", "duplicate id"))
        out[item.id] = item
    return out
