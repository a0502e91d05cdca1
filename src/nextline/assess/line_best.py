"""The best response of each line of treatment, for the timeline and the PDF's table.

Why a separate step: the record may say it (`therapies[].best_response`, as the care team
wrote it), and when it does not, RECIST 1.1 can tell it from the scans (`assess_lines`,
its `best_overall`). The record's word wins: it is the care team's, and may use scans this
record lacks. Pure: it reads the line list and the status's `recist` part (JSON shape).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

# Short plain words, then the RECIST 1.1 code the care team uses.
RESPONSE_WORDS = {
    "CR": "No cancer seen (CR)",
    "PR": "Shrank (PR)",
    "SD": "Stable (SD)",
    "non_CR_non_PD": "Not growing (non-CR/non-PD)",
    "PD": "Grew (PD)",
    "NE": "Could not be measured (NE)",
}


class _Line(Protocol):
    @property
    def number(self) -> int: ...

    @property
    def best_response(self) -> str | None: ...


@dataclass(frozen=True)
class BestResponse:
    """One line's best response and where it comes from."""

    code: str  # CR, PR, SD, non_CR_non_PD, PD or NE
    source: Literal["record", "scans"]

    @property
    def words(self) -> str:
        return RESPONSE_WORDS.get(self.code, self.code)

    @property
    def text(self) -> str:
        """For a table cell: the words, and "from the scans" when worked out here."""
        return self.words if self.source == "record" else f"{self.words}, from the scans"


def best_responses(
    lines: Sequence[_Line], recist: Iterable[Mapping[str, Any]] | None
) -> dict[int, BestResponse]:
    """Line number -> its best response: the record's own, else RECIST's from the scans;
    a line with neither is left out."""
    measured = {
        int(entry["line"]): str(entry["best_overall"])
        for entry in recist or ()
        if isinstance(entry.get("line"), int) and entry.get("best_overall")
    }
    found: dict[int, BestResponse] = {}
    for line in lines:
        if line.best_response:
            found[line.number] = BestResponse(line.best_response, "record")
        elif line.number in measured:
            found[line.number] = BestResponse(measured[line.number], "scans")
    return found


__all__ = ["RESPONSE_WORDS", "BestResponse", "best_responses"]
