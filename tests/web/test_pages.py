"""Every page renders for every example person, with the record's and the engines' own
words: the dashboard puts red flags first, the timeline lists every event, and the engine
pages show each result with its why and sources."""

from __future__ import annotations

import re

import pytest

from nextline.assess import assess_status
from nextline.examples import EXAMPLE_IDS
from nextline.options import list_options
from nextline.record import build_record
from nextline.record.timeline import build_timeline
from tests.web.conftest import AS_OF, MARIA, csrf, versions

TRIPLE = "triple-negative-brca"

PAGES = [
    "",
    "/timeline",
    "/add",
    "/history",
    "/options",
    "/trials",
    "/questions",
    "/supportive-care",
    "/summary",
] + [
    f"/add/{key}"
    for key in (
        "lab",
        "scan",
        "symptoms",
        "treatment-start",
        "treatment-stop",
        "tumor-test",
        "germline-test",
        "goals",
        "care-team",
    )
]


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


def _record(app, person_id: str):
    return build_record(app.state.web.store.get(person_id), app.state.web.kb, AS_OF)


@pytest.mark.parametrize("person_id", EXAMPLE_IDS)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_for_every_example(client, person_id: str, page: str) -> None:
    response = client.get(f"/people/{person_id}{page}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    html = response.text
    assert html.count("<h1") == 1
    assert 'aria-current="page"' in html
    assert '<a class="skip-link" href="#main">' in html


def test_the_people_page_lists_everyone(client) -> None:
    text = _text(_main(client.get("/people").text))
    assert "Aisha (example) 1 version" in text
    assert "Maria (example) 1 version" in text
    assert "Dana (example) 1 version" in text


def test_the_people_page_when_empty(tmp_path) -> None:
    from tests.web.conftest import make_app, make_client

    with make_client(make_app(tmp_path / "h", people=())) as fresh:
        text = _text(fresh.get("/people").text)
    assert "No one is stored yet." in text


def test_home_goes_to_the_people(client) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/people"


def test_the_dashboard_answers_with_the_status_and_its_evidence(app, client) -> None:
    status = assess_status(_record(app, MARIA), app.state.web.kb, AS_OF)
    html = _main(client.get(f"/people/{MARIA}").text)
    assert '<span class="verdict unclear" data-overall="no_current_treatment">' in html
    assert status.headline.startswith("No treatment is recorded as running now.")
    assert _text(status.headline) in _text(html)
    assert f"Why: the evidence ({len(status.evidence)})" in html
    for evidence in status.evidence:
        assert _text(evidence.text.replace("'", "&#39;")) in _text(html)
    text = _text(html)
    assert (
        "Treatment now None running. Last: line 1, letrozole + palbociclib, "
        "stopped 28 Mar 2024 (progression)" in text
    )
    assert "Cancer type ER positive · PR positive · HER2-low (tested 28 May 2021)" in text
    assert "Where it has spread bone, liver" in text
    assert "Age 62 · as of 1 Jun 2025" in text


def test_the_dashboard_has_no_red_flags_when_there_are_none(client) -> None:
    html = client.get(f"/people/{MARIA}").text
    assert 'class="red-flags"' not in html


def test_a_fever_puts_the_call_now_notice_first(app, client) -> None:
    # Dana's neutrophils were low; a treatment like chemotherapy and a fever make a red flag.
    client.post(
        f"/people/{TRIPLE}/add/treatment-start",
        data={
            "csrf_token": csrf(client),
            "drugs": "capecitabine",
            "start": "2025-05-05",
            "setting": "metastatic",
        },
    )
    client.post(
        f"/people/{TRIPLE}/add/symptoms",
        data={
            "csrf_token": csrf(client),
            "date": "2025-05-31",
            "temperature_c": "38.5",
        },
    )
    html = _main(client.get(f"/people/{TRIPLE}").text)
    flags = html.index('class="red-flags"')
    assert flags < html.index('id="working-title"')
    assert '<div class="red-flag" data-kind="possible_febrile_neutropenia">' in html
    assert '<span class="urgency">Emergency: call now</span>' in html
    assert "Call your care team&#39;s 24-hour number now." in html


def test_the_dashboard_lists_what_to_bring(client) -> None:
    text = _text(_main(client.get(f"/people/{MARIA}").text))
    assert "What to bring to the next appointment Your summary (a PDF to print or share" in text
    assert "Questions worth asking" in text


def test_the_timeline_lists_every_event_newest_first(app, client) -> None:
    events = [e for e in build_timeline(_record(app, MARIA)) if e.date <= AS_OF]
    html = client.get(f"/people/{MARIA}/timeline").text
    shown = re.findall(r'<li class="event kind-([a-z_]+)"><time datetime="([0-9-]+)">', html)
    assert shown == [(e.kind, e.date.isoformat()) for e in reversed(events)]
    assert "Line 1: letrozole + palbociclib" in html


def test_the_timeline_filters_by_kind(client) -> None:
    html = client.get(f"/people/{MARIA}/timeline?kind=scan").text
    kinds = set(re.findall(r'<li class="event kind-([a-z_]+)">', html))
    assert kinds == {"scan"}
    assert len(re.findall(r'<li class="event kind-scan">', html)) == 5


def test_the_timeline_shows_the_report_charts_as_images(client) -> None:
    html = client.get(f"/people/{MARIA}/timeline").text
    images = re.findall(
        r'<img class="chart" src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="([^"]+)">', html
    )
    assert len(images) == 4
    assert all(alt.strip() for alt in images)


def test_options_each_expand_to_why_and_sources(app, client) -> None:
    result = list_options(_record(app, MARIA), app.state.web.kb, AS_OF)
    html = client.get(f"/people/{MARIA}/options").text
    assert html.count('<details id="option-') == len(result.options)
    assert f"Fit the record ({len(result.by_verdict('fits'))})" in html
    assert f"Do not fit the record now ({len(result.by_verdict('does_not_fit'))})" in html
    first = result.options[0]
    block = html[html.index(f'<details id="option-{first.id}">') :]
    block = block[: block.index("</details>")]
    for source in first.sources:
        assert f'<a href="{source.url}" rel="noreferrer noopener">' in block
    for reason in first.reasons:
        assert _text(reason.text.replace("'", "&#39;")) in _text(block)


def test_supportive_care_lists_the_plans_topics(app, client) -> None:
    from nextline.plan import supportive_care

    care = supportive_care(_record(app, MARIA), app.state.web.kb, AS_OF)
    html = client.get(f"/people/{MARIA}/supportive-care").text
    titles = re.findall(r"<summary>([^<]+)</summary>", html)
    assert [t.replace("&#39;", "'") for t in titles] == [t.title for t in care.topics]


def test_history_lists_every_version(app, client) -> None:
    client.post(
        f"/people/{MARIA}/add/care-team", data={"csrf_token": csrf(client), "role": "nurse"}
    )
    text = _text(client.get(f"/people/{MARIA}/history").text)
    assert re.search(r"Version 2 · .* UTC · added a care team member Version 1 · .* import", text)
    assert versions(app) == 2


def test_the_record_downloads_as_a_patient_file(client) -> None:
    response = client.get(f"/people/{MARIA}/record.yaml")
    assert response.headers["content-disposition"] == 'attachment; filename="hr-positive-esr1.yaml"'
    assert response.text.startswith("nextline: 1\npatient:\n  id: hr-positive-esr1\n")


def test_the_summary_downloads_as_a_pdf(client) -> None:
    response = client.get(f"/people/{MARIA}/summary.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        'attachment; filename="nextline-hr-positive-esr1-2025-06-01.pdf"'
    )
    assert response.content.startswith(b"%PDF-")


def test_the_summary_downloads_as_html(client) -> None:
    response = client.get(f"/people/{MARIA}/summary.html")
    assert response.headers["content-disposition"] == (
        'attachment; filename="nextline-hr-positive-esr1-2025-06-01.html"'
    )
    assert "<html" in response.text and "Maria" in response.text
