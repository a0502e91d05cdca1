"""The add-to-the-record forms: a good entry is stored as a new version exactly as typed; a
bad one shows the importer's reason at the very input and stores nothing."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest

from nextline.record import patient_file_data
from tests.web.conftest import MARIA, csrf, field_errors, versions

TRIPLE = "triple-negative-brca"


def _post(client, path: str, data: dict[str, str], **kwargs):
    return client.post(
        path, data={"csrf_token": csrf(client), **data}, follow_redirects=False, **kwargs
    )


def _stored(app, person_id: str = MARIA) -> dict:
    return patient_file_data(app.state.web.store.get(person_id))


# --- good entries -------------------------------------------------------------------------


def test_a_lab_result_is_stored_as_a_new_version(app, client) -> None:
    response = _post(
        client,
        f"/people/{MARIA}/add/lab",
        {"date": "2025-05-01", "test": "CA 15-3", "value": "64.5", "unit": "U/mL"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/people/{MARIA}?saved=2"
    assert _stored(app)["labs"][-1] == {
        "date": "2025-05-01",
        "test": "CA 15-3",
        "value": 64.5,
        "unit": "U/mL",
    }
    assert app.state.web.store.history(MARIA)[-1].note == "added a lab result"


def test_a_scan_keeps_lesion_ids_and_drops_empty_rows(app, client) -> None:
    response = _post(
        client,
        f"/people/{MARIA}/add/scan",
        {
            "date": "2025-05-20",
            "modality": "CT",
            "impression": "growth in the liver",
            "lesions[0].id": "liver-1",
            "lesions[0].organ": "liver",
            "lesions[0].role": "target",
            "lesions[0].longest_mm": "30",
            "lesions[1].id": "node-1",
            "lesions[1].organ": "lymph node",
            "lesions[1].role": "target",
            "lesions[1].node": "true",
            "lesions[1].short_axis_mm": "12",
            "lesions[2].id": "bone-1",
            "lesions[2].role": "non_target",
            "lesions[2].status": "present",
            "lesions[3].id": "liver-9",
            "lesions[3].role": "target",  # nothing measured: left out
            "lesions[5].id": "lung-1",
            "lesions[5].organ": "lung",
            "lesions[5].role": "new",
            "lesions[5].longest_mm": "8",
        },
    )
    assert response.status_code == 303
    assert _stored(app)["imaging"][-1] == {
        "date": "2025-05-20",
        "modality": "CT",
        "impression": "growth in the liver",
        "lesions": [
            {"id": "liver-1", "organ": "liver", "role": "target", "longest_mm": 30.0},
            {
                "id": "node-1",
                "organ": "lymph node",
                "node": True,
                "role": "target",
                "short_axis_mm": 12.0,
            },
            {"id": "bone-1", "role": "non_target", "status": "present"},
            {"id": "lung-1", "organ": "lung", "role": "new", "longest_mm": 8.0},
        ],
    }


def test_a_symptom_report_with_a_temperature(app, client) -> None:
    response = _post(
        client,
        f"/people/{MARIA}/add/symptoms",
        {
            "date": "2025-05-30",
            "esas.pain": "4",
            "esas.tiredness": "7",
            "esas.nausea": "",
            "temperature_c": "38.6",
            "notes": "shivering since last night",
        },
    )
    assert response.status_code == 303
    assert _stored(app)["symptoms"][-1] == {
        "date": "2025-05-30",
        "esas": {"pain": 4, "tiredness": 7},
        "temperature_c": 38.6,
        "notes": "shivering since last night",
    }


def test_starting_a_treatment(app, client) -> None:
    response = _post(
        client,
        f"/people/{MARIA}/add/treatment-start",
        {
            "drugs": "fulvestrant, elacestrant",
            "start": "2025-04-02",
            "setting": "metastatic",
        },
    )
    assert response.status_code == 303
    assert _stored(app)["therapies"][-1] == {
        "setting": "metastatic",
        "drugs": ["fulvestrant", "elacestrant"],
        "start": "2025-04-02",
    }


def test_stopping_a_treatment_records_why(app, client) -> None:
    _post(
        client,
        f"/people/{MARIA}/add/treatment-start",
        {"drugs": "elacestrant", "start": "2024-04-15", "setting": "metastatic"},
    )
    index = len(_stored(app)["therapies"]) - 1
    page = client.get(f"/people/{MARIA}/add/treatment-stop").text
    assert f'<option value="{index}">elacestrant (since 2024-04-15)</option>' in page
    response = _post(
        client,
        f"/people/{MARIA}/add/treatment-stop",
        {
            "therapy": str(index),
            "stop": "2025-05-01",
            "stop_reason": "toxicity",
            "why": "nausea every day",
        },
    )
    assert response.status_code == 303
    assert _stored(app)["therapies"][index] == {
        "setting": "metastatic",
        "drugs": ["elacestrant"],
        "start": "2024-04-15",
        "stop": "2025-05-01",
        "stop_reason": "toxicity",
        "notes": "nausea every day",
    }
    assert versions(app) == 3


def test_a_tumor_test_with_receptors_and_a_gene_change(app, client) -> None:
    response = _post(
        client,
        f"/people/{MARIA}/add/tumor-test",
        {
            "date": "2025-05-02",
            "specimen": "liver biopsy",
            "er.result": "positive",
            "er.percent": "80",
            "her2.ihc": "0",
            "variants[0].gene": "PIK3CA",
            "variants[0].alteration": "H1047R",
            "variants[0].origin": "somatic",
            "variants[1].origin": "somatic",
            "not_detected": "AKT1, PTEN",
        },
    )
    assert response.status_code == 303
    assert _stored(app)["tumor_tests"][-1] == {
        "date": "2025-05-02",
        "specimen": "liver biopsy",
        "er": {"result": "positive", "percent": 80.0},
        "her2": {"ihc": "0"},
        "variants": [{"gene": "PIK3CA", "alteration": "H1047R", "origin": "somatic"}],
        "not_detected": ["AKT1", "PTEN"],
    }


def test_an_inherited_gene_test(app, client) -> None:
    response = _post(
        client,
        f"/people/{MARIA}/add/germline-test",
        {
            "date": "2025-05-03",
            "genes_tested": "BRCA1, BRCA2, PALB2, CHEK2",
            "variants[0].gene": "CHEK2",
            "variants[0].alteration": "c.1100delC",
            "variants[0].classification": "pathogenic",
        },
    )
    assert response.status_code == 303
    assert _stored(app)["germline_tests"][-1] == {
        "date": "2025-05-03",
        "genes_tested": ["BRCA1", "BRCA2", "PALB2", "CHEK2"],
        "variants": [{"gene": "CHEK2", "alteration": "c.1100delC", "classification": "pathogenic"}],
    }


def test_goals_replace_the_choices_and_keep_upcoming_events(app, client) -> None:
    page = client.get(f"/people/{MARIA}/add/goals").text
    assert 'name="priorities" value="live_longer" checked' in page
    body = urlencode(
        [
            ("csrf_token", csrf(client)),
            ("priorities", "quality_of_life"),
            ("priorities", "work"),
            ("priorities_other", "gardening"),
            ("avoid", "iv_infusions"),
            ("open_to_trials", "false"),
            ("travel_limit_km", "50"),
        ]
    )
    response = client.post(
        f"/people/{MARIA}/add/goals",
        content=body,
        follow_redirects=False,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 303
    assert _stored(app)["goals"] == {
        "priorities": ["quality_of_life", "work", "gardening"],
        "avoid": ["iv_infusions"],
        "open_to_trials": False,
        "travel_limit_km": 50.0,
        "upcoming_events": [{"date": "2024-07-14", "what": "daughter's wedding"}],
    }


def test_care_team_add_and_remove(app, client) -> None:
    response = _post(
        client,
        f"/people/{MARIA}/add/care-team",
        {"role": "palliative_care", "name": "Dr. N. Haddad", "phone": "+1 215 555 0199"},
    )
    assert response.status_code == 303
    assert _stored(app)["care_team"][-1] == {
        "role": "palliative_care",
        "name": "Dr. N. Haddad",
        "phone": "+1 215 555 0199",
    }
    removed = _post(client, f"/people/{MARIA}/care-team/0/remove", {"base_version": "2"})
    assert removed.status_code == 303
    assert [m["role"] for m in _stored(app)["care_team"]] == ["navigator", "palliative_care"]
    assert versions(app) == 3


def test_a_new_person(app, client) -> None:
    response = _post(
        client,
        "/people/start",
        {
            "patient.name": "Ana",
            "patient.sex": "female",
            "patient.menopausal_status": "premenopausal",
            "patient.birth": "1985",
            "diagnosis.metastatic_since": "2025-02-01",
            "patient.location.country": "PT",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/people/ana"
    assert _stored(app, "ana") == {
        "nextline": 1,
        "patient": {
            "id": "ana",
            "name": "Ana",
            "birth_year": 1985,
            "sex": "female",
            "menopausal_status": "premenopausal",
            "location": {"country": "PT"},
        },
        "diagnosis": {"metastatic_since": "2025-02-01"},
    }


def test_the_old_new_person_address_leads_to_the_form_that_asks_no_id(client) -> None:
    response = client.get("/people/new", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/people/start")
    assert 'name="patient.id"' not in client.get("/people/start").text


def test_the_scan_form_carries_lesion_ids_from_the_last_scan(client) -> None:
    page = client.get(f"/people/{MARIA}/add/scan").text
    for i, lesion in enumerate(["liver-1", "liver-2", "node-1", "bone-1", "liver-3"]):
        assert f'name="lesions[{i}].id" type="text" value="{lesion}"' in page
    assert 'name="lesions[2].short_axis_mm"' in page  # a node is measured on its short axis
    # liver-3 was new on the last scan: from now on it is followed as a non-target lesion
    role = page[page.index('name="lesions[4].role"') :]
    role = role[: role.index("</select>")]
    assert '<option value="non_target" selected>not measured</option>' in role
    assert '<option value="target" selected>' not in role
    assert 'name="lesions[5].id" type="text" value=""' in page  # room for new lesions


def test_the_lab_form_offers_units_from_a_list(client) -> None:
    page = client.get(f"/people/{MARIA}/add/lab").text
    for unit in ("U/mL", "10^9/L", "g/dL", "mg/dL", "U/L", "xULN"):
        assert f'<option value="{unit}">' in page
    assert '<option value="CA 15-3">CA 15-3</option>' in page


# --- bad entries: field-level errors, nothing stored --------------------------------------

BAD = [
    (
        "lab",
        {"date": "2025-05-01", "test": "CA 15-3", "value": "lots", "unit": "U/mL"},
        "value",
        "'lots' is not a number: write it with digits, such as 12 or 3.5",
    ),
    (
        "lab",
        {"date": "2025-05-01", "test": "CA 15-3", "value": "50", "unit": "g/dL"},
        "unit",
        "cannot convert 'g/dL' to 'U/mL' for CA 15-3",
    ),
    (
        "lab",
        {"date": "2031-05-01", "test": "CA 15-3", "value": "50", "unit": "U/mL"},
        "date",
        "1 May 2031 has not come yet (today is 1 Jun 2025). Check the date; something "
        "planned goes under appointments or important dates.",
    ),
    (
        "scan",
        {
            "date": "2025-05-20",
            "modality": "CT",
            "lesions[0].id": "liver-1",
            "lesions[0].role": "target",
            "lesions[0].longest_mm": "-3",
        },
        "lesions-0-longest_mm",
        "-3 is less than this can be: at least 0",
    ),
    (
        "scan",
        {
            "date": "2025-05-20",
            "modality": "CT",
            "lesions[4].role": "new",
            "lesions[4].longest_mm": "9",
        },
        "lesions-4-id",
        "give this lesion a name (for example L3), or clear its row",
    ),
    (
        "scan",
        {"date": "2025-05-20", "modality": "sonar"},
        "modality",
        "Input should be 'CT', 'MRI', 'PET-CT', 'bone scan', 'X-ray' or 'ultrasound' (got 'sonar')",
    ),
    (
        "symptoms",
        {"date": "2025-05-30", "esas.pain": "11"},
        "esas-pain",
        "11 is more than this can be: at most 10",
    ),
    (
        "symptoms",
        {"date": "2025-05-30", "temperature_c": "98.6"},
        "temperature_c",
        "98.6 looks like degrees Fahrenheit: this asks for degrees Celsius (98.6 °F is 37.0 °C)",
    ),
    (
        "treatment-start",
        {"drugs": "", "start": "2025-04-02", "setting": "metastatic"},
        "drugs",
        "a drug treatment needs drugs",
    ),
    (
        "treatment-start",
        {"drugs": "letrozole", "start": "2025-04-02", "setting": "palliative"},
        "setting",
        "Input should be 'neoadjuvant', 'adjuvant', 'metastatic' or 'supportive' "
        "(got 'palliative')",
    ),
    (
        "treatment-stop",
        {"therapy": "4", "stop": "2025-05-01", "stop_reason": "toxicity"},
        "therapy",
        "choose the treatment that stopped",
    ),
    (
        "tumor-test",
        {"date": "2025-05-02", "er.percent": "140"},
        "er-percent",
        "140 is more than this can be: at most 100",
    ),
    (
        "tumor-test",
        {"date": "2025-05-02", "variants[1].alteration": "E545K", "variants[1].origin": "somatic"},
        "variants-1-gene",
        "this is needed: please fill it in",
    ),
    (
        "germline-test",
        {"date": "2025-05-03", "variants[0].gene": "BRCA2"},
        "variants-0-classification",
        "this is needed: please fill it in",
    ),
    (
        "goals",
        {"travel_limit_km": "-10"},
        "travel_limit_km",
        "-10 is less than this can be: at least 0",
    ),
    ("care-team", {"name": "Dr. Who"}, "role", "this is needed: please fill it in"),
]


@pytest.mark.parametrize(
    ("form", "data", "field", "reason"), BAD, ids=[f"{b[0]}-{b[2]}" for b in BAD]
)
def test_bad_input_shows_the_reason_at_the_field_and_stores_nothing(
    app, client, form: str, data: dict[str, str], field: str, reason: str
) -> None:
    before = _stored(app)
    response = _post(client, f"/people/{MARIA}/add/{form}", data)
    assert response.status_code == 422
    assert field_errors(response.text) == {field: reason}
    assert "Nothing was saved. Please fix:" in response.text
    assert f'href="#f-{field}"' in response.text
    assert f'id="f-{field}"' in response.text and 'aria-invalid="true"' in response.text
    assert versions(app) == 1
    assert _stored(app) == before


def test_stopping_needs_a_reason(app, client) -> None:
    _post(
        client,
        f"/people/{MARIA}/add/treatment-start",
        {"drugs": "elacestrant", "start": "2024-04-15", "setting": "metastatic"},
    )
    index = len(_stored(app)["therapies"]) - 1
    response = _post(
        client, f"/people/{MARIA}/add/treatment-stop", {"therapy": str(index), "stop": "2025-05-01"}
    )
    assert response.status_code == 422
    assert field_errors(response.text) == {"stop_reason": "say why the treatment stopped"}
    assert versions(app) == 2


def test_a_stop_before_the_start_is_an_error_at_the_stop_date(app, client) -> None:
    _post(
        client,
        f"/people/{MARIA}/add/treatment-start",
        {"drugs": "elacestrant", "start": "2024-04-15", "setting": "metastatic"},
    )
    index = len(_stored(app)["therapies"]) - 1
    response = _post(
        client,
        f"/people/{MARIA}/add/treatment-stop",
        {"therapy": str(index), "stop": "2024-01-01", "stop_reason": "toxicity"},
    )
    assert response.status_code == 422
    assert field_errors(response.text) == {"stop": "stop 2024-01-01 is before start 2024-04-15"}
    assert versions(app) == 2


def test_a_bad_form_keeps_what_was_typed(client) -> None:
    response = _post(
        client,
        f"/people/{MARIA}/add/lab",
        {"date": "2025-05-01", "test": "CEA", "value": "1,2", "unit": "ng/mL"},
    )
    assert 'name="value" type="text" value="1,2"' in response.text
    assert '<option value="CEA" selected>CEA</option>' in response.text
    assert '<option value="ng/mL" selected>ng/mL</option>' in response.text


@pytest.mark.parametrize(
    ("data", "field", "reason"),
    [
        (
            {"patient.name": "Ana", "patient.sex": "female"},
            "patient",
            "menopausal_status is required when sex is female (use unknown when it is not known)",
        ),
        (
            {"patient.name": "Ana", "patient.sex": "male", "patient.birth": "1850"},
            "patient-birth",
            "1850 is less than this can be: at least 1900",
        ),
    ],
)
def test_a_bad_new_person_is_not_stored(app, client, data, field, reason) -> None:
    response = _post(client, "/people/start", data)
    assert response.status_code == 422
    errors = field_errors(response.text)
    if field == "patient":
        assert errors == {}
        assert f"patient: {reason}" in response.text  # a whole-section problem: in the summary
    else:
        assert errors == {field: reason}
    assert [p.id for p in app.state.web.store.list()] == [
        "her2-positive-brain",
        "hr-positive-esr1",
        "triple-negative-brca",
    ]


def test_a_new_person_may_start_with_an_empty_diagnosis(app, client) -> None:
    response = _post(client, "/people/start", {"patient.name": "Lee", "patient.sex": "male"})
    assert response.status_code in (200, 303)
    assert app.state.web.store.get("lee").diagnosis.model_dump(exclude_none=True) == {}


def test_an_unknown_form_is_not_found(client) -> None:
    assert client.get(f"/people/{MARIA}/add/recipe").status_code == 404


# --- undo -----------------------------------------------------------------------------------


def test_undo_brings_the_record_back_as_a_new_version(app, client) -> None:
    before = _stored(app)
    _post(
        client,
        f"/people/{MARIA}/add/lab",
        {"date": "2025-05-01", "test": "CEA", "value": "4.1", "unit": "ng/mL"},
    )
    page = client.get(f"/people/{MARIA}?saved=2").text
    assert "Saved as version 2." in page
    assert "Last change: added a lab result (version 2" in page
    response = _post(client, f"/people/{MARIA}/undo", {"next": f"/people/{MARIA}"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/people/{MARIA}?undone=3"
    assert _stored(app) == before
    assert [v.note for v in app.state.web.store.history(MARIA)] == [
        "import",
        "added a lab result",
        "undo: back to version 1",
    ]


def test_undo_never_redirects_elsewhere(app, client) -> None:
    _post(
        client,
        f"/people/{MARIA}/add/lab",
        {"date": "2025-05-01", "test": "CEA", "value": "4.1", "unit": "ng/mL"},
    )
    response = _post(client, f"/people/{MARIA}/undo", {"next": "https://evil.example/"})
    assert response.headers["location"] == f"/people/{MARIA}?undone=3"


def test_undo_with_nothing_to_undo_is_a_clear_404(client) -> None:
    response = _post(client, f"/people/{MARIA}/undo", {})
    assert response.status_code == 404
    assert 'data-status="404"' in response.text
    assert "There is nothing to undo: this record has only one version." in response.text


def test_forms_default_to_today(client) -> None:
    assert (
        f'value="{dt.date(2025, 6, 1).isoformat()}"'
        in client.get(f"/people/{TRIPLE}/add/symptoms").text
    )
