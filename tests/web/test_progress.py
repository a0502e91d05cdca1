"""Progress feedback on what takes over a second: the PDF build and matching trials. The
words are in the page itself (no script needed to read them); the stylesheet shows them."""

from __future__ import annotations

import re
from pathlib import Path

from tests.web.conftest import MARIA

CSS = Path(__file__).parents[2] / "src" / "nextline" / "web" / "static" / "app.css"


def test_the_pdf_link_says_it_takes_a_few_seconds(client) -> None:
    html = client.get(f"/people/{MARIA}/summary").text
    link = re.search(r'<a class="button pdf-link"[^>]*aria-describedby="([^"]+)"', html)
    assert link is not None
    said = re.search(rf'id="{link.group(1)}">([^<]+)<', html)
    assert said is not None and "few seconds" in said.group(1)
    assert re.search(
        r'pdf-link".*?</a>\s*<span class="building" role="status">Building', html, re.S
    )
    css = CSS.read_text(encoding="utf-8")
    assert ".pdf-link:focus + .building" in css


def test_trial_filtering_shows_a_busy_note_while_it_runs(client) -> None:
    html = client.get(f"/people/{MARIA}/trials").text
    target = re.search(r'hx-indicator="#([\w-]+)"', html)
    assert target is not None
    note = re.search(rf'<p id="{target.group(1)}" class="([^"]+)" role="status">([^<]+)<', html)
    assert note is not None
    assert "htmx-indicator" in note.group(1).split()
    assert "few seconds" in note.group(2)
    css = CSS.read_text(encoding="utf-8")
    assert ".htmx-request .htmx-indicator" in css
    assert re.search(r"\.htmx-indicator[^{]*\{\s*display:\s*none", css)


def test_the_first_trial_match_says_it_is_reading_without_a_script(tmp_path) -> None:
    from tests.web.conftest import make_app, make_client

    app = make_app(tmp_path / "home", people=(MARIA,))
    app.state.web.trials_ready = lambda: False  # the catalog is still being read
    app.state.web.warm_trials = lambda _kb: None
    with make_client(app) as c:
        html = c.get(f"/people/{MARIA}/trials").text
    assert "Reading the trial catalog for the first time" in html
    assert f'<a href="/people/{MARIA}/trials">Reload</a>' in html
