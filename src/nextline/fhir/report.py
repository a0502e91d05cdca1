"""The import report: what was mapped (with its provenance), what was not and why, what looks
inconsistent, what the person must still supply, and merge conflicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Mapped:
    """One fact in the patient file and the resource it came from (provenance)."""

    path: str  # where it is in the patient file: `tumor_tests[0].er`
    resource: str  # `Observation/tumor-marker-test-er-jenny-m`
    what: str  # a short description: "ER positive on 2018-03-10"


@dataclass(frozen=True)
class Note:
    """A resource (or the whole input) and what happened to it."""

    resource: str
    reason: str


@dataclass
class ImportReport:
    """Everything an import found, for the person to read before trusting the record."""

    source: str
    bundle_id: str | None = None
    resources_read: int = 0
    mapped: list[Mapped] = field(default_factory=list)
    not_mapped: list[Note] = field(default_factory=list)
    inconsistent: list[Note] = field(default_factory=list)
    needs: list[Note] = field(default_factory=list)
    conflicts: list[Note] = field(default_factory=list)

    def as_data(self) -> dict[str, Any]:
        """Plain data for `--json`."""
        return {
            "source": self.source,
            "bundle_id": self.bundle_id,
            "resources_read": self.resources_read,
            "mapped": [vars(m) for m in self.mapped],
            "not_mapped": [vars(n) for n in self.not_mapped],
            "inconsistent": [vars(n) for n in self.inconsistent],
            "needs": [vars(n) for n in self.needs],
            "conflicts": [vars(n) for n in self.conflicts],
        }

    def as_text(self) -> str:
        """The report as plain text, one line per item."""
        head = f"{self.source}"
        if self.bundle_id:
            head += f" (Bundle {self.bundle_id})"
        lines = [
            f"{head}: {self.resources_read} resources read, {len(self.mapped)} facts mapped, "
            f"{len(self.not_mapped)} not mapped, {len(self.inconsistent)} inconsistent"
        ]
        sections: list[tuple[str, list[Any]]] = [
            ("Mapped", self.mapped),
            ("Not mapped", self.not_mapped),
            ("Looks inconsistent", self.inconsistent),
            ("Still to supply or check", self.needs),
            ("Conflicts with the stored record (the stored value was kept)", self.conflicts),
        ]
        for title, items in sections:
            if not items:
                continue
            lines.append(f"{title}:")
            for item in items:
                if isinstance(item, Mapped):
                    lines.append(f"  {item.path}: {item.what}  <- {item.resource}")
                else:
                    lines.append(f"  {item.resource}: {item.reason}")
        return "\n".join(lines)
