"""The record forms for the rest of the patient file: a good entry is stored exactly as the
importer would keep it; a bad one shows the reason at the input and stores nothing."""

from __future__ import annotations

import pytest

from nextline.record import patient_file_data
from tests.web.conftest import MARIA, csrf, field_errors, versions

TRIPLE = "triple-negative-brca"


def _post(client, path: str, data: dict[str, str]):
    return client.post(path, data={"csrf_token": csrf(client), **data}, follow_redirects=False)


def _stored(app, person_id: str = MARIA) -> dict:
    return patient_file_data(app.state.web.store.get(person_id))


# --- good entries -------------------------------------------------------------------------

GOOD = [
    (
        "metastasis",
        {"site": "lymph_nodes", "since": "2025-03-01", "location": "left axilla"},
        "metastases",
        {"site": "lymph_nodes", "since": "2025-03-01", "location": "left axilla"},
    ),
    (
        "metastasis",
        {"site": "other", "location": "adrenal gland", "symptomatic": "false"},
        "metastases",
        {"site": "other", "location": "adrenal gland", "symptomatic": False},
    ),
    (
        "performance",
        {"date": "2025-05-10", "ecog": "2"},
        "performance",
        {"date": "2025-05-10", "ecog": 2},
    ),
    (
        "side-effect",
        {"date": "2025-05-11", "term": "diarrhoea", "grade": "3", "therapy": "abemaciclib"},
        "side_effects",
        {"date": "2025-05-11", "term": "diarrhoea", "grade": 3, "therapy": "abemaciclib"},
    ),
    (
        "surgery",
        {"date": "2014-06-01", "site": "left breast lumpectomy", "setting": "adjuvant"},
        "therapies",
        {
            "kind": "surgery",
            "date": "2014-06-01",
            "site": "left breast lumpectomy",
            "setting": "adjuvant",
        },
    ),
    (
        "radiation",
        {"site": "T12 spine", "start": "2025-04-01", "stop": "2025-04-05", "technique": "SBRT"},
        "therapies",
        {
            "kind": "radiation",
            "site": "T12 spine",
            "start": "2025-04-01",
            "stop": "2025-04-05",
            "technique": "SBRT",
        },
    ),
    (
        "assessment",
        {
            "date": "2025-05-20",
            "by": "Dr. Lee",
            "disease_status": "worsened",
            "visceral_crisis": "true",
        },
        "assessments",
        {
            "date": "2025-05-20",
            "by": "Dr. Lee",
            "disease_status": "worsened",
            "visceral_crisis": True,
        },
    ),
    (
        "appointment",
        {"date": "2025-07-02", "what": "oncology visit"},
        "appointments",
        {"date": "2025-07-02", "what": "oncology visit"},
    ),
    (
        "comorbidity",
        {"condition": "heart failure", "since": "2020-03-01", "notes": "on a water tablet"},
        "comorbidities",
        {"condition": "heart failure", "since": "2020-03-01", "notes": "on a water tablet"},
    ),
]


@pytest.mark.parametrize(("form", "data", "section", "entry"), GOOD, ids=[g[0] for g in GOOD])
def test_a_good_entry_is_appended_as_typed(app, client, form, data, section, entry) -> None:
    before = _stored(app).get(section, [])
    response = _post(client, f"/people/{MARIA}/add/{form}", data)
    assert response.status_code == 303, field_errors(response.text)
    assert response.headers["location"] == f"/people/{MARIA}?saved=2"
    assert _stored(app)[section] == [*before, entry]


def test_an_appointment_may_be_in_the_future_and_upcoming_events_keep_the_goals(
    app, client
) -> None:
    goals_before = _stored(app)["goals"]
    response = _post(
        client,
        f"/people/{MARIA}/add/upcoming-event",
        {"upcoming_events[1].what": "trip to Lisbon", "upcoming_events[1].date": "2025-09-10"},
    )
    assert response.status_code == 303, field_errors(response.text)
    goals = _stored(app)["goals"]
    assert goals["upcoming_events"] == [
        *goals_before["upcoming_events"],
        {"date": "2025-09-10", "what": "trip to Lisbon"},
    ]
    assert {k: v for k, v in goals.items() if k != "upcoming_events"} == {
        k: v for k, v in goals_before.items() if k != "upcoming_events"
    }
    assert app.state.web.store.history(MARIA)[-1].note == "added or changed an important date"


def test_the_event_form_names_its_inputs_after_the_next_row(client) -> None:
    html = client.get(f"/people/{TRIPLE}/add/upcoming-event").text
    assert 'name="upcoming_events[0].what"' in html
    html = client.get(f"/people/{MARIA}/add/upcoming-event").text
    assert 'name="upcoming_events[1].what"' in html
    assert "daughter&#39;s wedding" in html


def test_the_diagnosis_form_shows_the_current_values_and_keeps_what_it_does_not_cover(
    app, client
) -> None:
    html = client.get(f"/people/{MARIA}/add/diagnosis").text
    assert 'value="2014-05-02"' in html and 'value="IIA"' in html
    response = _post(
        client,
        f"/people/{MARIA}/add/diagnosis",
        {
            "first_diagnosed": "2014-05-02",
            "laterality": "left",
            "stage_at_first_diagnosis": "IIA",
            "metastatic_since": "2021-05-20",
            "presentation": "recurrent",
            "histology": "lobular",
        },
    )
    assert response.status_code == 303, field_errors(response.text)
    assert _stored(app)["diagnosis"] == {
        "first_diagnosed": "2014-05-02",
        "laterality": "left",
        "stage_at_first_diagnosis": "IIA",
        "metastatic_since": "2021-05-20",
        "presentation": "recurrent",
        "histology": "lobular",
    }


def test_palliative_care_replaces_the_single_entry(app, client) -> None:
    response = _post(
        client, f"/people/{MARIA}/add/palliative-care", {"involved": "true", "since": "2025-05-01"}
    )
    assert response.status_code == 303, field_errors(response.text)
    assert _stored(app)["palliative_care"] == {"involved": True, "since": "2025-05-01"}
    html = client.get(f"/people/{MARIA}/add/palliative-care").text
    assert '<option value="true" selected>' in html


def test_the_add_page_links_every_record_form(client) -> None:
    html = client.get(f"/people/{MARIA}/add").text
    for key in (
        "metastasis",
        "diagnosis",
        "performance",
        "side-effect",
        "surgery",
        "radiation",
        "assessment",
        "appointment",
        "upcoming-event",
        "palliative-care",
    ):
        assert f'href="/people/{MARIA}/add/{key}"' in html, key
        assert client.get(f"/people/{MARIA}/add/{key}").status_code == 200, key


def test_plain_words_for_ecog_and_side_effect_grades(client) -> None:
    html = client.get(f"/people/{MARIA}/add/performance").text
    assert "in bed or a chair all day" in html
    html = client.get(f"/people/{MARIA}/add/side-effect").text
    assert "can&#39;t look after myself (washing, dressing)" in html
    assert 'value="5"' not in html


# --- sites seen on scans -----------------------------------------------------------------


def test_the_site_form_offers_scan_sites_first_and_leaves_out_listed_ones(client) -> None:
    html = client.get(f"/people/{MARIA}/add/metastasis").text
    options = html[html.index('id="f-site"') :]
    options = options[: options.index("</select>")]
    assert options.index('value="lymph_nodes"') < options.index('value="lung"')
    assert "seen on your CT scan of" in options
    assert 'value="bone"' not in options and 'value="liver"' not in options
    assert "Already on the list: bones, liver." in html


def test_the_dashboard_asks_about_a_site_seen_on_a_scan_and_one_click_adds_it(app, client) -> None:
    html = client.get(f"/people/{TRIPLE}").text
    assert 'id="ask-sites"' in html
    assert "shows something in the <strong>pleura</strong>" in html
    day = next(
        s["date"]
        for s in _stored(app, TRIPLE)["imaging"]
        if any(lesion.get("organ") == "pleura" for lesion in s["lesions"])
    )
    response = _post(client, f"/people/{TRIPLE}/add/metastasis", {"site": "pleura", "since": day})
    assert response.status_code == 303
    assert _stored(app, TRIPLE)["metastases"][-1] == {"site": "pleura", "since": day}
    assert 'id="ask-sites"' not in client.get(f"/people/{TRIPLE}").text


def test_a_dashboard_with_every_scan_site_listed_asks_nothing(client) -> None:
    assert 'id="ask-sites"' not in client.get("/people/her2-positive-brain").text


# --- bad input ---------------------------------------------------------------------------

BAD = [
    (
        "metastasis",
        {"site": "moon"},
        "site",
        "Input should be 'bone', 'liver', 'lung', 'pleura', "
        "'brain', 'leptomeninges', 'lymph_nodes', 'skin', 'peritoneum' or 'other' (got 'moon')",
    ),
    ("metastasis", {"site": "liver"}, "site", "liver is already on the list"),
    ("metastasis", {"site": "other"}, "location", "say where, for a site not in the list"),
    ("metastasis", {}, "site", "this is needed: please fill it in"),
    (
        "metastasis",
        {"site": "lung", "since": "2031-01-01"},
        "since",
        "1 Jan 2031 has not come yet (today is 1 Jun 2025). Check the date; something "
        "planned goes under appointments or important dates.",
    ),
    (
        "diagnosis",
        {"laterality": "middle"},
        "laterality",
        "Input should be 'left', 'right' or 'bilateral' (got 'middle')",
    ),
    (
        "diagnosis",
        {"first_diagnosed": "2022-01-01", "metastatic_since": "2020-01-01"},
        "metastatic_since",
        "2020-01-01 is before the cancer was first diagnosed (2022-01-01)",
    ),
    (
        "diagnosis",
        {"first_diagnosed": "2022-31-01"},
        "first_diagnosed",
        "'2022-31-01' is not a date on the calendar: write it as year-month-day, such as "
        "2025-03-14",
    ),
    (
        "performance",
        {"date": "2025-05-01", "ecog": "5"},
        "ecog",
        "5 is more than this can be: at most 4",
    ),
    ("performance", {"date": "2025-05-01"}, "ecog", "this is needed: please fill it in"),
    (
        "side-effect",
        {"date": "2025-05-01", "term": "rash", "grade": "0"},
        "grade",
        "0 is less than this can be: at least 1",
    ),
    (
        "side-effect",
        {"date": "2025-05-01", "grade": "2"},
        "term",
        "this is needed: please fill it in",
    ),
    ("surgery", {"site": "breast"}, "date", "give the date of the operation"),
    ("radiation", {"site": "hip"}, "start", "give the date radiation started"),
    ("radiation", {"start": "2025-01-01"}, "site", "say which part of the body was treated"),
    (
        "radiation",
        {"site": "hip", "start": "2025-02-01", "stop": "2025-01-01"},
        "stop",
        "stop 2025-01-01 is before start 2025-02-01",
    ),
    (
        "assessment",
        {"date": "2025-05-01", "disease_status": "great"},
        "disease_status",
        "Input should be 'improved', 'stable', 'worsened', 'mixed' or 'not_evaluable' (got "
        "'great')",
    ),
    (
        "assessment",
        {"date": "2025-05-01", "disease_status": "stable", "visceral_crisis": "maybe"},
        "visceral_crisis",
        "Input should be a valid boolean, unable to interpret input (got 'maybe')",
    ),
    ("appointment", {"date": "2025-07-01"}, "what", "this is needed: please fill it in"),
    ("appointment", {"what": "visit"}, "date", "this is needed: please fill it in"),
    (
        "upcoming-event",
        {"upcoming_events[1].date": "2025-08-01"},
        "upcoming_events-1-what",
        "this is needed: please fill it in",
    ),
    (
        "upcoming-event",
        {"upcoming_events[1].what": "wedding", "upcoming_events[1].date": "soon"},
        "upcoming_events-1-date",
        "'soon' is not a date on the calendar: write it as year-month-day, such as 2025-03-14",
    ),
    ("upcoming-event", {}, "upcoming_events-1-what", "say what the event is"),
    ("palliative-care", {"since": "2025-01-01"}, "involved", "this is needed: please fill it in"),
    ("comorbidity", {"since": "2020-03-01"}, "condition", "this is needed: please fill it in"),
    (
        "comorbidity",
        {"condition": "asthma", "since": "last spring"},
        "since",
        "'last spring' is not a date on the calendar: write it as year-month-day, such as "
        "2025-03-14",
    ),
]


def test_a_kept_question_is_corrected_only_not_added_through_the_add_forms(app, client) -> None:
    add = client.get(f"/people/{MARIA}/add").text
    assert f'href="/people/{MARIA}/add/comorbidity"' in add
    assert f'href="/people/{MARIA}/add/question"' not in add
    assert client.get(f"/people/{MARIA}/add/question").status_code == 404
    response = _post(client, f"/people/{MARIA}/add/question", {"text": "Why?", "order": "0"})
    assert response.status_code == 404
    assert versions(app) == 1


@pytest.mark.parametrize(
    ("form", "data", "field", "reason"), BAD, ids=[f"{b[0]}-{b[2]}-{i}" for i, b in enumerate(BAD)]
)
def test_bad_input_shows_the_reason_at_the_field_and_stores_nothing(
    app, client, form: str, data: dict[str, str], field: str, reason: str
) -> None:
    before = _stored(app)
    response = _post(client, f"/people/{MARIA}/add/{form}", data)
    assert response.status_code == 422
    assert field_errors(response.text) == {field: reason}
    assert "Nothing was saved. Please fix:" in response.text
    assert f'id="f-{field}"' in response.text
    assert versions(app) == 1
    assert _stored(app) == before


def test_an_important_date_added_by_form_brings_a_timing_question(client) -> None:
    assert "graduation" not in client.get(f"/people/{TRIPLE}/questions").text
    response = _post(
        client,
        f"/people/{TRIPLE}/add/upcoming-event",
        {"upcoming_events[0].what": "my son's graduation", "upcoming_events[0].date": "2025-07-15"},
    )
    assert response.status_code == 303, field_errors(response.text)
    assert "graduation" in client.get(f"/people/{TRIPLE}/questions").text
