"""The one name of each overall status, for every place a person reads it (dashboard, CLI,
PDF). Why one table: "probably not working" on the dashboard and "may not be working" on the
PDF read as two different findings. The words stay tentative: the care team decides."""

from __future__ import annotations

OVERALL_WORDS = {
    "working": "probably working",
    "not_working": "probably not working",
    "unclear": "not clear yet",
    "no_current_treatment": "no treatment running now",
}


def overall_words(overall: str, capital: bool = False) -> str:
    """The words for a `Status.overall` value (the value itself when unknown)."""
    words = OVERALL_WORDS.get(overall, overall)
    return words[:1].upper() + words[1:] if capital else words


__all__ = ["OVERALL_WORDS", "overall_words"]
