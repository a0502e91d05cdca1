"""Bad or doubtful input on the forms, from an empty store (the fifth probe of issue 16): each
is asked about or refused at the input it is about, in plain words, with what was typed shown
again and nothing stored; a doubt the person answers ("yes, keep it") is then saved.

Counted on the code before this probe, 43 of the 46 cases below failed:
- a date before the person was born was stored by 14 of the 15 dated forms, and a birth date
  typed after the diagnosis was stored;
- a date still to come was refused by all 15, but in words no person uses ("is after the
  as-of date"), and by the dose change form at no input;
- a dose change after its treatment stopped was stored silently (dose change form, the
  treatment form's rows, a stop dated before a recorded change);
- a lymph node under 15 mm, or a spot under 10 mm, made a measured (target) lesion on its
  first scan was stored without a word (RECIST 1.1 §3.1.1: not measurable);
- deleting a treatment left its side effects naming a medicine no longer in the record, and
  correcting a medicine's name left them naming the old one;
- a tumor test whose ER result disagrees with its percent was refused outright, so a report
  that says so could not be kept, nor, imported, corrected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.web.browser_form import form_fields, pairs
from tests.web.conftest import make_app, make_client
from tests.web.story_harness import Story, page_text

BORN = "1970-05-05"
PERSON = {
    "patient.birth": BORN,
    "patient.sex": "female",
    "patient.menopausal_status": "postmenopausal",
    "diagnosis.first_diagnosed": "2020-01-10",
    "diagnosis.metastatic_since": "2024-01-10",
}
LINE = {"drugs": "letrozole, palbociclib", "start": "2024-01-20", "setting": "metastatic"}

# form -> (what is typed, the date input)
DATED: dict[str, tuple[dict[str, str], str]] = {
    "lab": ({"test": "ANC", "value": "1.5", "unit": "10^9/L"}, "date"),
    "scan": (
        {
            "modality": "CT",
            "lesions[0].id": "L1",
            "lesions[0].organ": "liver",
            "lesions[0].size_mm": "20",
        },
        "date",
    ),
    "symptoms": ({"esas.pain": "2"}, "date"),
    "tumor-test": ({"specimen": "primary", "er.result": "positive"}, "date"),
    "germline-test": ({"genes_tested": "BRCA1, BRCA2"}, "date"),
    "metastasis": ({"site": "liver"}, "since"),
    "performance": ({"ecog": "1"}, "date"),
    "side-effect": ({"term": "nausea", "grade": "1"}, "date"),
    "surgery": ({"site": "left breast", "technique": "lumpectomy"}, "date"),
    "radiation": ({"site": "left breast"}, "start"),
    "assessment": ({"disease_status": "stable"}, "date"),
    "comorbidity": ({"condition": "diabetes"}, "since"),
    "palliative-care": ({"involved": "true"}, "since"),
    "treatment-start": ({"drugs": "capecitabine", "running": "join"}, "start"),
    "dose-change": ({"therapy": "0", "change": "reduced"}, "date"),
}


@pytest.fixture(scope="module")
def opened(tmp_path_factory) -> Iterator[tuple[Any, Any]]:
    app = make_app(tmp_path_factory.mktemp("asks") / "home", people=(), trials=False)
    with make_client(app) as client:
        client.get("/people")
        yield client, app


@pytest.fixture(scope="module")
def one(opened) -> Story:
    """One person for the cases that store nothing."""
    client, app = opened
    s = Story(client, app)
    s.start(**{"patient.name": "Dates that cannot be", **PERSON})
    s.add("treatment-start", LINE)
    return s


@pytest.fixture
def story(opened, request) -> Story:
    client, app = opened
    s = Story(client, app)
    s.start(**{"patient.name": f"Case {request.node.name}", **PERSON})
    s.add("treatment-start", LINE)
    return s


def _refused(s: Story, response: Any, field: str, typed: str, words: str) -> str:
    """The last step was refused at `field`, with `words` in its reason, `typed` shown again
    and nothing stored; returns the reason."""
    step = s.steps[-1]
    assert (step.status, step.saved) == (422, False), step
    assert field in step.errors, step
    reason = unescape(step.errors[field])
    assert words in reason, reason
    assert "as-of" not in reason and "[" not in reason, reason
    assert f'value="{typed}"' in response.text, typed
    return reason


def _answer(s: Story, url: str, response: Any, **extra: str) -> Any:
    """Send the refused page's form back as it was shown, with the person's answer."""
    sent = pairs(form_fields(response.text)) + list(extra.items())
    before = len(s.app.state.web.store.history(s.person))
    answered = s.client.post(
        url,
        content=urlencode(sent),
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert answered.status_code == 303, answered.text[-2000:]
    assert len(s.app.state.web.store.history(s.person)) == before + 1
    return answered


@pytest.mark.parametrize("form", list(DATED))
@pytest.mark.parametrize(
    ("day", "words"),
    [("2025-07-01", "has not come yet (today is 1 Jun 2025)"), ("1965-03-03", "was born")],
    ids=["future", "before-birth"],
)
def test_a_date_that_cannot_be_is_named_at_its_input(one, form, day, words) -> None:
    typed, field = DATED[form]
    response = one.add(form, {**typed, field: day})
    if form == "dose-change" and "born" in words:
        words = "before the treatment started"  # asked first, and as true
    reason = _refused(one, response, field, day, words)
    if "born" in words:
        assert "5 May 1970" in reason


def test_a_birth_date_after_the_diagnosis_is_named_at_the_birth(story) -> None:
    response = story.add("person", {"birth": "2021-02-01"})
    _refused(story, response, "birth", "2021-02-01", "before this birth date")


def test_a_diagnosis_before_birth_on_the_start_form(opened) -> None:
    client, app = opened
    s = Story(client, app)
    typed = {**PERSON, "patient.name": "Born late", "diagnosis.first_diagnosed": "1968-01-01"}
    response = s._send("start", "/people/start", "/people/start", typed, 303)
    assert response.status_code == 422
    assert "was born" in unescape(response.text)
    assert 'value="1968-01-01"' in response.text
    assert "Born late" not in client.get("/people").text


# --- a dose change after its treatment stopped: asked, then kept when the person says so --


def _stopped(s: Story) -> None:
    s.add("treatment-stop", {"therapy": "0", "stop": "2024-10-01", "stop_reason": "progression"})


def test_a_dose_change_after_the_stop_is_asked_about(story) -> None:
    _stopped(story)
    typed = {"therapy": "0", "date": "2024-11-02", "change": "reduced", "drug": "palbociclib"}
    response = story.add("dose-change", typed)
    _refused(story, response, "date", "2024-11-02", "stopped on 1 Oct 2024")
    assert 'name="confirm"' in response.text
    _answer(story, f"/people/{story.person}/add/dose-change", response, confirm="yes")
    assert story.stored()["therapies"][0]["dose_changes"][0]["date"] == "2024-11-02"


def test_a_past_treatment_with_a_change_after_its_stop_is_asked_about(story) -> None:
    typed = {
        "drugs": "capecitabine",
        "start": "2021-01-01",
        "setting": "adjuvant",
        "stop": "2021-06-01",
        "stop_reason": "completed",
        "dose_changes[0].date": "2021-07-01",
        "dose_changes[0].change": "reduced",
    }
    response = story.add("treatment-start", typed)
    _refused(story, response, "dose_changes-0-date", "2021-07-01", "stops on 1 Jun 2021")
    assert 'name="confirm_dates"' in response.text


def test_a_stop_before_a_recorded_dose_change_is_asked_about(story) -> None:
    story.add("dose-change", {"therapy": "0", "date": "2024-06-01", "change": "reduced"})
    typed = {"therapy": "0", "stop": "2024-05-01", "stop_reason": "toxicity"}
    response = story.add("treatment-stop", typed)
    _refused(story, response, "stop", "2024-05-01", "Was it started again")
    _answer(story, f"/people/{story.person}/add/treatment-stop", response, confirm="yes")
    assert story.stored()["therapies"][0]["stop"] == "2024-05-01"


# --- a measured lesion too small to be one (RECIST 1.1 §3.1.1) ---------------------------


def _scan(day: str, *rows: tuple[str, str, str, bool], baseline: bool = False) -> dict[str, str]:
    typed = {"date": day, "modality": "CT"}
    if baseline:
        typed["baseline"] = "true"
    for i, (name, organ, size, node) in enumerate(rows):
        typed |= {f"lesions[{i}].id": name, f"lesions[{i}].organ": organ}
        typed |= {f"lesions[{i}].role": "target", f"lesions[{i}].size_mm": size}
        if node:
            typed[f"lesions[{i}].node"] = "true"
    return typed


@pytest.mark.parametrize(
    ("row", "words"),
    [
        (("N1", "axilla", "12", True), "short axis is at least 15 mm"),
        (("N1", "neck", "14.9", True), "short axis is at least 15 mm"),
        (("L1", "liver", "8", False), "longest size is at least 10 mm"),
    ],
)
def test_a_small_measured_lesion_at_baseline_is_asked_about(story, row, words) -> None:
    typed = _scan("2024-01-15", ("L9", "liver", "30", False), row)
    response = story.add("scan", typed)
    _refused(story, response, "lesions-1-size_mm", row[2], words)
    assert "RECIST 1.1" in page_text(response.text)
    _answer(story, f"/people/{story.person}/add/scan", response, confirm_sizes="yes")
    lesion = story.stored()["imaging"][0]["lesions"][1]
    assert lesion["role"] == "target"


def test_a_measured_node_that_shrinks_is_not_asked_about(story) -> None:
    story.add("scan", _scan("2024-01-15", ("N1", "axilla", "22", True)))
    story.add("scan", {"date": "2024-04-15", "modality": "CT", "lesions[0].short_axis_mm": "9"})
    assert [s.status for s in story.steps[-2:]] == [303, 303], story.steps[-2:]
    # A new baseline for a new treatment measures afresh: 9 mm is asked about then.
    again = {"date": "2024-08-01", "modality": "CT", "baseline": "true"}
    story.add("scan", {**again, "lesions[0].short_axis_mm": "9"})
    assert story.steps[-1].status == 422


def test_a_small_spot_followed_by_eye_is_not_asked_about(story) -> None:
    typed = _scan("2024-01-15", ("N1", "axilla", "12", True))
    typed["lesions[0].role"] = "non_target"
    story.add("scan", typed)
    assert story.steps[-1].status == 303, story.steps[-1]


# --- side effects of a treatment deleted or renamed ---------------------------------------


def test_deleting_a_treatment_asks_about_its_side_effects(story) -> None:
    story.add(
        "side-effect",
        {"date": "2024-03-01", "term": "neutropenia", "grade": "3", "therapy": "palbociclib"},
    )
    story.add(
        "side-effect",
        {"date": "2024-03-05", "term": "nausea", "grade": "1", "therapy": "ondansetron"},
    )
    page = page_text(story.page("/entries/therapies/0/delete"))
    assert "neutropenia (palbociclib, 1 March 2024)" in page
    assert "nausea" not in page  # it names no medicine of this treatment
    story.delete("therapies", 0, "no answer")
    assert story.steps[-1].status == 422 and not story.steps[-1].saved
    story.delete("therapies", 0, "delete them too", {"side_effects": "delete"})
    assert story.steps[-1].status == 303
    assert [e["term"] for e in story.stored()["side_effects"]] == ["nausea"]
    assert "also deleted neutropenia" in page_text(story.page("/history"))


def test_keeping_the_side_effects_keeps_them(story) -> None:
    story.add(
        "side-effect",
        {"date": "2024-03-01", "term": "neutropenia", "grade": "3", "therapy": "Ibrance"},
    )
    story.delete("therapies", 0, "keep them", {"side_effects": "keep"})
    assert story.steps[-1].status == 303
    assert story.stored()["side_effects"][0]["therapy"] == "Ibrance"


def test_a_side_effect_of_a_medicine_given_again_is_not_asked_about(story) -> None:
    story.add("treatment-stop", {"therapy": "0", "stop": "2024-06-01", "stop_reason": "break"})
    story.add(
        "treatment-start",
        {"drugs": "palbociclib, fulvestrant", "start": "2024-07-01", "setting": "metastatic"},
    )
    story.add(
        "side-effect",
        {"date": "2024-03-01", "term": "neutropenia", "grade": "3", "therapy": "palbociclib"},
    )
    assert 'name="side_effects"' not in story.page("/entries/therapies/0/delete")


def test_a_corrected_medicine_name_carries_to_its_side_effects(story) -> None:
    story.add(
        "treatment-start",
        {
            "drugs": "elacestrent",
            "start": "2025-01-10",
            "running": "replace",
            "replace_reason": "progression",
            "confirm_drugs": "yes",
        },
    )
    assert story.steps[-1].status == 422  # asked "did you mean elacestrant?" first
    assert "elacestrant" in story.steps[-1].errors["drugs"]
    url = f"/people/{story.person}/add/treatment-start"
    typed = {
        "drugs": "elacestrent",
        "start": "2025-01-10",
        "setting": "metastatic",
        "running": "replace",
        "replace_reason": "progression",
    }
    response = story.client.post(
        url, data={**typed, "csrf_token": _token(story)}, follow_redirects=False
    )
    _answer(story, url, response, confirm_drugs="yes")
    index = len(story.stored()["therapies"]) - 1
    assert story.stored()["therapies"][index]["drugs"] == ["elacestrent"]  # kept as typed
    story.add(
        "side-effect",
        {"date": "2025-02-01", "term": "nausea", "grade": "2", "therapy": "elacestrent"},
    )
    story.correct("therapies", index, {"drugs": "elacestrant"})
    assert story.steps[-1].status == 303, story.steps[-1]
    assert story.stored()["side_effects"][0]["therapy"] == "elacestrant"
    assert "now names elacestrant" in page_text(story.page("/history"))


def _token(s: Story) -> str:
    from tests.web.conftest import csrf

    return csrf(s.client)


def test_plain_words_on_the_asking_pages(story) -> None:
    """No record paths or codes on the pages that ask (`therapies[0]`, `as-of`)."""
    _stopped(story)
    response = story.add("dose-change", {"therapy": "0", "date": "2024-11-02", "change": "held"})
    assert response.status_code == 422
    text = page_text(response.text)
    assert not re.search(r"\w\[\d+\]|as-of|_mm\b", text), text


# --- a report that contradicts itself: asked, kept as written, and correctable ------------


def test_a_report_that_contradicts_itself_is_kept_when_the_person_says_so(story) -> None:
    typed = {"date": "2024-02-01", "specimen": "liver biopsy", "er.result": "negative"}
    response = story.add("tumor-test", {**typed, "er.percent": "80"})
    _refused(story, response, "er-percent", "80", "keep both as written")
    url = f"/people/{story.person}/add/tumor-test"
    _answer(story, url, response, confirm_receptors="yes")
    assert story.stored()["tumor_tests"][0]["er"] == {"result": "negative", "percent": 80}
    # Its correction form opens (before, "no form can show all of it"), and asks again.
    url = f"/people/{story.person}/entries/tumor_tests/0/correct"
    response = story.correct("tumor_tests", 0, {"ki67": "30"}, "a correction")
    assert story.steps[-1].status == 422 and "er-percent" in story.steps[-1].errors
    _answer(story, url, response, confirm_receptors="yes")
    assert story.stored()["tumor_tests"][0]["ki67"] == 30
