"""A person's whole story entered through the web forms, as a browser would send them.

Why a harness: each step opens the form page first and sends back what the browser would
(the page's own hidden fields, prefilled values, the CSRF token), with the person's typing laid
over it. A step that the app refuses is kept with its field errors, so a story reports every
step that failed rather than stopping at the first (`Story.failed`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from nextline.record import patient_file_data
from tests.web.browser_form import form_fields
from tests.web.conftest import csrf, field_errors

Typed = dict[str, str | list[str] | None]


@dataclass
class Step:
    what: str
    status: int
    errors: dict[str, str]
    summary: str = ""
    saved: bool = False  # a new version was stored


@dataclass
class Story:
    """One person, from an empty store, through the forms only."""

    client: Any
    app: Any
    person: str = ""
    steps: list[Step] = field(default_factory=list)

    # --- what the browser sends ---------------------------------------------------------

    def _send(self, what: str, page: str, action: str, typed: Typed, expect: int) -> Any:
        shown = self.client.get(page)
        if shown.status_code != 200:
            self.steps.append(Step(f"{what}: no such form", shown.status_code, {}))
            return shown
        fields = form_fields(shown.text)
        offered = _input_names(shown.text)
        pairs = [(f.name, f.value) for f in fields if f.name not in typed]
        for name, value in typed.items():
            if name not in offered:
                # A browser cannot send what the page has no input for: the fact is lost.
                self.steps.append(Step(f"{what}: no input for {name}", 0, {}))
                continue
            if value is None:
                continue
            for one in [value] if isinstance(value, str) else value:
                pairs.append((name, one))
        if not any(name == "csrf_token" for name, _ in pairs):
            pairs.append(("csrf_token", csrf(self.client)))
        before = self._versions()
        response = self.client.post(
            action,
            content=urlencode(pairs),
            headers={"content-type": "application/x-www-form-urlencoded"},
            follow_redirects=False,
        )
        summary = " | ".join(
            re.findall(r"<li>(?:<a[^>]*>)?(.*?)(?:</a>)?</li>", _summary(response.text))
        )
        saved = self._versions() != before
        self.steps.append(
            Step(what, response.status_code, field_errors(response.text), summary, saved)
        )
        return response

    def _versions(self) -> int:
        if not self.person:
            return 0
        return len(self.app.state.web.store.history(self.person))

    def start(self, **typed: str) -> str:
        response = self._send("start", "/people/start", "/people/start", dict(typed), 303)
        assert response.status_code == 303, field_errors(response.text)
        self.person = response.headers["location"].rsplit("/", 1)[-1]
        return self.person

    def add(self, form: str, typed: Typed, what: str = "") -> Any:
        page = f"/people/{self.person}/add/{form}"
        return self._send(what or f"add {form}", page, page, typed, 303)

    def correct(self, section: str, index: int, typed: Typed, what: str = "") -> Any:
        page = f"/people/{self.person}/entries/{section}/{index}/correct"
        shown = self.client.get(page)
        if shown.status_code != 200:
            self.steps.append(Step(what or f"correct {section}[{index}]", shown.status_code, {}))
            return shown
        return self._send(what or f"correct {section}[{index}]", page, page, typed, 303)

    def delete(self, section: str, index: int, what: str = "", typed: Typed | None = None) -> Any:
        page = f"/people/{self.person}/entries/{section}/{index}/delete"
        return self._send(what or f"delete {section}[{index}]", page, page, typed or {}, 303)

    def step(self, action: str) -> Any:
        """Undo or redo, pressed on the history page."""
        page = self.client.get(f"/people/{self.person}/history").text
        version = re.search(r'name="base_version" value="(\d+)"', page)
        pairs = {
            "csrf_token": csrf(self.client),
            "base_version": version.group(1) if version else "",
            "next": f"/people/{self.person}/history",
        }
        response = self.client.post(
            f"/people/{self.person}/{action}", data=pairs, follow_redirects=False
        )
        self.steps.append(Step(action, response.status_code, {}, saved=True))
        return response

    # --- what is read back -------------------------------------------------------------

    def stored(self) -> dict[str, Any]:
        return patient_file_data(self.app.state.web.store.get(self.person))

    def failed(self) -> list[Step]:
        return [s for s in self.steps if s.status != 303]

    def page(self, path: str = "") -> str:
        response = self.client.get(f"/people/{self.person}{path}")
        assert response.status_code == 200, (path, response.status_code)
        return str(response.text)


def _input_names(html: str) -> set[str]:
    start = html.index('class="entry-form"')
    form = html[start : html.index("</form>", start)]
    return set(re.findall(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', form))


def _summary(html: str) -> str:
    start = html.find('class="error-summary"')
    if start < 0:
        return ""
    return html[start : html.find("</ul>", start)]


def tell(
    stories: Mapping[str, Callable[[Story], None]], folder: Callable[[str], Path], as_of: dt.date
) -> Iterator[dict[str, Story]]:
    """Each story entered once, in its own empty store (`folder(name)` gives a fresh folder
    for it); the clients stay open until the generator is closed (a module fixture)."""
    from tests.web.conftest import make_app, make_client

    done: dict[str, Story] = {}
    clients = []
    for name, story in stories.items():
        app = make_app(folder(name) / "home", as_of=as_of, people=(), trials=False)
        client = make_client(app)
        client.__enter__()
        clients.append(client)
        client.get("/people")
        done[name] = Story(client, app)
        story(done[name])
    yield done
    for client in clients:
        client.__exit__(None, None, None)


def wrong_steps(story: Story, refused: Any) -> list[Step]:
    """Steps that went wrong: a step in `refused` must be asked about at its input (422, a
    field error, nothing stored); every other step saved (303, a new version)."""
    wrong = []
    for step in story.steps:
        if step.what in refused:
            if step.status != 422 or step.saved or not step.errors:
                wrong.append(step)
        elif step.status != 303 or (step.what != "start" and not step.saved):
            wrong.append(step)
    return wrong


def page_text(html: str) -> str:
    """A page's words as a person reads them (no scripts, styles, head or menu)."""
    body = re.sub(r"(?s)<(script|style|head|nav)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body)))


def cli_json(command: str, path: Path, as_of: dt.date) -> dict[str, Any]:
    """`nextline COMMAND PATH --as-of AS_OF --json`, parsed."""
    from typer.testing import CliRunner

    from nextline.cli import app as cli

    result = CliRunner().invoke(cli, [command, str(path), "--as-of", as_of.isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


__all__ = ["Step", "Story", "cli_json", "page_text", "tell", "wrong_steps"]
