"""The options engine: every next option for one person, each with a verdict and its evidence.

Public surface: `list_options(record, kb, as_of) -> OptionsResult`. Pure (no I/O, no clock).
"""

from nextline.options.engine import list_options, subtype_of
from nextline.options.models import (
    CautionNote,
    Option,
    OptionsResult,
    Reason,
    SourceCite,
    TestSuggestion,
)

__all__ = [
    "CautionNote",
    "Option",
    "OptionsResult",
    "Reason",
    "SourceCite",
    "TestSuggestion",
    "list_options",
    "subtype_of",
]
