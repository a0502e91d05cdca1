"""The audit log in plain words: "GET /people/{person_id}/summary.pdf" is "downloaded the
summary PDF". Pure.

Why a table of route templates: the log keeps the route, never what the page showed (it
holds no health data), and the person reading "who has looked at my record" needs to know
what was seen or done in words, not in addresses. A test walks the app's route table and
fails for a route of a person that has no words here, so a new page cannot appear in the
log as an address. Concrete paths (`/people/maria/summary`) read the same as templates.
"""

from __future__ import annotations

import re
from functools import cache

# (method, path after "/people/{person_id}") -> (verb, object). Verbs are kept apart so a
# refused request can say "tried to look at the summary".
PAGES: dict[tuple[str, str], tuple[str, str]] = {
    ("GET", ""): ("look at", "the dashboard"),
    ("GET", "/timeline"): ("look at", "the timeline"),
    ("GET", "/add"): ("look at", "the menu to add to the record"),
    ("GET", "/add/{form_key}"): ("open", "a form to add to the record"),
    ("POST", "/add/{form_key}"): ("add", "something to the record"),
    ("GET", "/entries"): ("look at", "the entries of the record"),
    ("GET", "/entries/{section}/{index}/correct"): ("open", "an entry to correct it"),
    ("POST", "/entries/{section}/{index}/correct"): ("correct", "an entry of the record"),
    ("GET", "/entries/{section}/{index}/delete"): ("open", "an entry to remove it"),
    ("POST", "/entries/{section}/{index}/delete"): ("remove", "an entry of the record"),
    ("POST", "/care-team/{index}/remove"): ("remove", "someone from the care team list"),
    ("POST", "/menopausal-status"): ("change", "the menopausal status in the record"),
    ("POST", "/undo"): ("undo", "the last change to the record"),
    ("POST", "/redo"): ("redo", "a change to the record"),
    ("POST", "/restore/{version}"): ("bring back", "an earlier version of the record"),
    ("GET", "/history"): ("look at", "the list of changes to the record"),
    ("GET", "/record.yaml"): ("download", "the whole record"),
    ("GET", "/options"): ("look at", "the treatment options"),
    ("GET", "/trials"): ("look at", "the clinical trials"),
    ("GET", "/trials/results"): ("look at", "the clinical trials"),
    ("POST", "/trials/changes/seen"): ("mark", "the new clinical trials as seen"),
    ("GET", "/supportive-care"): ("look at", "the supportive care page"),
    ("GET", "/summary"): ("look at", "the summary"),
    ("GET", "/summary.pdf"): ("download", "the summary PDF"),
    ("GET", "/summary.html"): ("download", "the summary as a web page file"),
    ("GET", "/questions"): ("look at", "the questions"),
    ("POST", "/questions/add"): ("add", "a question"),
    ("POST", "/questions/{index}/tick"): ("tick", "a question"),
    ("POST", "/questions/{index}/answer"): ("write", "the answer to a question"),
    ("POST", "/questions/{index}/move"): ("move", "a question in the list"),
    ("POST", "/questions/{index}/remove"): ("remove", "a question"),
    ("GET", "/upload"): ("open", "the page to upload a file into the record"),
    ("POST", "/upload"): ("upload", "a file into the record"),
    ("GET", "/delete"): ("open", "the page to delete the record"),
    ("POST", "/delete"): ("delete", "the record"),
    ("GET", "/sharing"): ("look at", "who the record is shared with"),
    ("POST", "/sharing/invite"): ("make", "an invitation to help with the record"),
    ("POST", "/sharing/members/{account_id}/remove"): (
        "take away",
        "a helper's access to the record",
    ),
    ("POST", "/sharing/links"): ("make", "a link for a doctor or nurse to read the record"),
    ("POST", "/sharing/links/{share_id}/revoke"): ("turn off", "a link for a doctor or nurse"),
    ("GET", "/access-log"): ("look at", "who has looked at the record"),
    ("GET", "/access-log.csv"): ("download", "the list of who has looked at the record"),
    ("GET", "/access-log.json"): ("download", "the list of who has looked at the record"),
}

# The same under `/api/people/{person_id}`: another program (not the web pages) asked.
API: dict[tuple[str, str], tuple[str, str]] = {
    ("GET", ""): ("look at", "the record"),
    ("GET", "/record"): ("download", "the whole record"),
    ("GET", "/history"): ("look at", "the list of changes to the record"),
    ("POST", "/undo"): ("undo", "the last change to the record"),
    ("POST", "/redo"): ("redo", "a change to the record"),
    ("POST", "/restore/{version}"): ("bring back", "an earlier version of the record"),
    ("POST", "/entries/{section}"): ("add", "something to the record"),
    ("GET", "/status"): ("look at", "whether the treatment is working"),
    ("GET", "/options"): ("look at", "the treatment options"),
    ("GET", "/questions"): ("look at", "the questions"),
    ("GET", "/brief"): ("look at", "the briefing for the next visit"),
    ("GET", "/trials"): ("look at", "the clinical trials"),
    ("GET", "/summary.pdf"): ("download", "the summary PDF"),
}

# Pages of several people at once: each person on it gets the line.
SHARED: dict[tuple[str, str], tuple[str, str]] = {
    ("GET", "/navigator"): ("look at", "the record's line in the navigator's list"),
}

# When a route is not in the tables (a route added later, an old entry): words by action.
BY_ACTION: dict[str, tuple[str, str]] = {
    "read": ("look at", "a page of the record"),
    "change": ("change", "the record"),
    "download": ("download", "part of the record"),
    "refused": ("open", "a page of the record"),
}

PAST = {
    "look at": "looked at",
    "open": "opened",
    "add": "added",
    "correct": "corrected",
    "remove": "removed",
    "change": "changed",
    "undo": "undid",
    "redo": "redid",
    "bring back": "brought back",
    "download": "downloaded",
    "mark": "marked",
    "tick": "ticked",
    "write": "wrote",
    "move": "moved",
    "upload": "uploaded",
    "delete": "deleted",
    "take away": "took away",
    "make": "made",
    "turn off": "turned off",
}

BY_PROGRAM = " (through a program, not the web pages)"


@cache
def _pattern(template: str) -> re.Pattern[str]:
    """A route template as a pattern: `{name}` matches one path segment."""
    parts = re.split(r"(\{[^}/]+\})", template)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))


def _known(method: str, path: str) -> tuple[tuple[str, str], bool] | None:
    """(verb, object) and whether it came through the API, for a person's route."""
    shared = SHARED.get((method, path.rstrip("/")))
    if shared is not None:
        return shared, False
    api = path.startswith("/api/")
    if api:
        path = path[len("/api") :]
    found = re.fullmatch(r"/people/[^/]+(/.*)?", path)
    if found is None:
        return None
    rest = (found.group(1) or "").rstrip("/")
    table = API if api else PAGES
    for (want_method, template), words in table.items():
        if want_method == method and _pattern(template).fullmatch(rest):
            return words, api
    return None


def has_words(method: str, template: str) -> bool:
    """Whether a route of a person has its own words (not the fallback by action)."""
    return _known(method.upper(), template) is not None


def plain_what(what: str, action: str) -> str:
    """What the entry did, in words: "downloaded the summary PDF", or for a refused request
    "tried to look at the summary (refused)"."""
    method, _, path = what.strip().partition(" ")
    path = path.strip().split("?", 1)[0]
    method = method.upper()
    known = _known("GET" if method == "HEAD" else method, path)
    if known is None:
        (verb, thing), api = BY_ACTION.get(action, BY_ACTION["read"]), False
    else:
        (verb, thing), api = known
    via = BY_PROGRAM if api else ""
    if action == "refused":
        return f"tried to {verb} {thing}{via} (refused)"
    return f"{PAST.get(verb, verb)} {thing}{via}"


LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def plain_source(source: str) -> str:
    """Where the request came from: this computer, or the address of another one."""
    source = source.strip()
    if source.lower().startswith("::ffff:"):  # an IPv4 address seen over IPv6
        source = source[len("::ffff:") :]
    if source in LOOPBACK or source.startswith("127."):
        return "this computer"
    return source or "unknown"


__all__ = ["API", "BY_ACTION", "PAGES", "PAST", "SHARED", "has_words", "plain_source", "plain_what"]
