"""The emergency box on every page of a person, not only the dashboard.

Why: a person who saves "back pain, legs gone numb" and then opens the options or the trials
page must still see "go to emergency" first, for as long as the report is inside the red
flags' look-back window. A Jinja context processor gives every page of `/people/{id}/...` the
person's red flags as of today; `base.html` shows them above the page's own content (the
dashboard shows its fuller box instead). They are found once per record version and date
(`WebState.red_flags`, kept with the person's other computed views).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request

from nextline.errors import NextlineError


def person_red_flags(request: Request) -> dict[str, Any]:
    """`person_red_flags` for the person in the path (empty elsewhere or on any error: the
    page itself reports a missing person)."""
    person_id = request.path_params.get("person_id")
    if not isinstance(person_id, str):
        return {}
    state = request.app.state.web
    # the dashboard route has read this request's views already: the same ones, no second read
    views = getattr(request.state, "person_views", None)
    if views is None or views[0] != person_id:
        try:
            views = (person_id, state.views_of(person_id)[1])
        except (NextlineError, SQLAlchemyError):  # an error page when the store failed
            return {}
    return {"person_red_flags": list(state.red_flags(views[1]))}
