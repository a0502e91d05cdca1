"""The text guard: what a text field of a record may hold.

Why: a record's words reach a terminal (Rich), HTML, a PDF, PostgreSQL, FHIR JSON and the
log-free error pages. Control characters can rewrite a terminal line or break a format, and
a lone surrogate (half of a UTF-16 pair, possible through JSON or YAML escapes) is not text
at all: it cannot be stored in PostgreSQL or written as UTF-8. Tab and line breaks are
allowed, since notes have several lines and browsers send them as CR LF.
"""

from __future__ import annotations

import re

# Characters in one text field. A note of two pages is about 5,000 characters; more is
# refused with a clear error (never cut short without saying so).
TEXT_LIMIT = 5000

_REFUSED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def check_text(value: str) -> None:
    """Raise `ValueError` naming the first refused character and where it is."""
    found = _REFUSED.search(value)
    if found is None:
        return
    code = ord(found.group())
    kind = "a lone surrogate (not valid Unicode)" if code >= 0xD800 else "a control character"
    raise ValueError(
        f"text holds {kind} U+{code:04X} at character {found.start() + 1}; "
        "remove it (only letters, digits, punctuation, spaces, tabs and line breaks are kept)"
    )
