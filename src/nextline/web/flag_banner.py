"""The emergency box on every page of a person, not only the dashboard.

Why: a person who saves "back pain, legs gone numb" and then opens the options or the trials
page must still see "go to emergency" first, for as long as the report is inside the red
flags' look-back window. A Jinja context processor gives every page of `/people/{id}/...` the
person's red flags as of today; `base.html` shows them above the page's own content (the
dashboard shows its fuller box instead).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from nextline.errors import NextlineError


def person_red_flags(request: Request) -> dict[str, Any]:
    """`person_red_flags` for the person in the path (empty elsewhere or on any error: the
    page itself reports a missing person)."""
    person_id = request.path_params.get("person_id")
    if not isinstance(person_id, str):
        return {}
    state = request.app.state.web
    try:
        record = state.record(person_id)
    except NextlineError:
        return {}
    know = state.kb.assess
    if know is None:
        return {}
    from nextline.assess.red_flags import find_red_flags

    flags, _ = find_red_flags(record, know, state.today())
    return {"person_red_flags": flags}
