"""Every red-flag kind through the contract, `nextline status FILE --json`: one person for
whom it is raised and one, nearly the same, for whom it must not be."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from nextline.cli import app

runner = CliRunner()
AS_OF = "2024-03-10"


def person(symptoms: list[dict[str, Any]], **sections: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "nextline": 1,
        "patient": {"id": "flag-test", "sex": "female", "menopausal_status": "postmenopausal"},
        "diagnosis": {"metastatic_since": "2023-06-01"},
        "therapies": [{"setting": "metastatic", "drugs": ["letrozole"], "start": "2023-07-01"}],
        "symptoms": symptoms,
    }
    data.update(sections)
    return data


def on(*drugs: str, stop: str | None = None) -> list[dict[str, Any]]:
    line: dict[str, Any] = {"setting": "metastatic", "drugs": list(drugs), "start": "2023-07-01"}
    if stop:
        line.update(stop=stop, stop_reason="completed")
    return [line]


def note(text: str, **fields: Any) -> list[dict[str, Any]]:
    return [{"date": "2024-03-09", "notes": text, **fields}]


LOW_PLATELETS = [{"date": "2024-03-05", "test": "platelets", "value": 30, "unit": "10^9/L"}]
HIGH_CALCIUM = [{"date": "2024-03-05", "test": "calcium", "value": 12.4, "unit": "mg/dL"}]

# kind: (raised, not raised), as patient files
CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "possible_febrile_neutropenia": (
        person(note("fever 39.1 and shaking chills"), therapies=on("paclitaxel")),
        person(note("no fever, no chills"), therapies=on("paclitaxel")),
    ),
    "possible_spinal_cord_compression": (
        person(note("back pain and both legs have gone numb")),
        person(note("back pain, no numbness or weakness in my legs")),
    ),
    "neurological_change": (
        person([{"date": "2024-03-09", "signs": ["seizure"]}]),
        person(note("my sister had a seizure last week")),
    ),
    "new_confusion": (
        person(note("she seems confused and muddled today")),
        person(note("not confused, just tired")),
    ),
    "possible_hypercalcemia": (
        person(note("very confused since yesterday"), labs=HIGH_CALCIUM),
        person(note("feeling fine"), labs=HIGH_CALCIUM),
    ),
    "possible_pneumonitis": (
        person(note("new dry cough and breathless"), therapies=on("trastuzumab deruxtecan")),
        person(note("no cough, breathing fine"), therapies=on("trastuzumab deruxtecan")),
    ),
    "possible_blood_clot": (
        person([{"date": "2024-03-09", "signs": ["one_swollen_leg"]}]),
        person(note("no swelling in my legs, no chest pain")),
    ),
    "possible_superior_vena_cava_obstruction": (
        person(note("my face and neck are swollen and I'm short of breath")),
        person(note("puffy face from the steroids, no breathlessness")),
    ),
    "possible_bowel_obstruction": (
        person(note("can't pass wind, no poo for 4 days and my tummy is swollen")),
        person(note("passing wind, bowels opened today, tummy soft")),
    ),
    "severe_diarrhea": (
        person(note("diarrhoea since this morning"), therapies=on("abemaciclib", "letrozole")),
        person(note("diarrhoea has stopped"), therapies=on("abemaciclib", "letrozole")),
    ),
    "high_blood_sugar": (
        person(note("so thirsty and peeing a lot"), therapies=on("alpelisib", "fulvestrant")),
        person(note("not thirsty"), therapies=on("alpelisib", "fulvestrant")),
    ),
    "heart_rhythm": (
        person(note("heart racing and I nearly fainted"), therapies=on("ribociclib", "letrozole")),
        person(note("no palpitations"), therapies=on("ribociclib", "letrozole")),
    ),
    "severe_breathlessness": (
        person([{"date": "2024-03-09", "esas": {"shortness_of_breath": 8}}]),
        person([{"date": "2024-03-09", "esas": {"shortness_of_breath": 5}}]),
    ),
    "uncontrolled_pain": (
        person(note("pain is unbearable, painkillers not working")),
        person(note("pain well controlled")),
    ),
    "bleeding_with_low_platelets": (
        person(note("nosebleed that won't stop"), labs=LOW_PLATELETS),
        person(note("no bleeding"), labs=LOW_PLATELETS),
    ),
    "coughing_or_vomiting_blood": (
        person(note("threw up blood this morning"), therapies=on("letrozole")),
        person(note("no blood when I was sick"), therapies=on("letrozole")),
    ),
    "possible_jaw_osteonecrosis": (
        person(note("jaw ache and a loose tooth"), therapies=on("letrozole", "denosumab")),
        person(note("no jaw pain"), therapies=on("letrozole", "denosumab")),
    ),
    "eye_problem": (
        person(note("eyes sore and gritty"), therapies=on("datopotamab deruxtecan")),
        person(note("eyes sore and gritty"), therapies=on("capecitabine")),
    ),
    "immune_side_effect": (
        person(note("itchy rash on my arms"), therapies=on("pembrolizumab", "paclitaxel")),
        person(note("no rash"), therapies=on("pembrolizumab", "paclitaxel")),
    ),
}


def flags_of(tmp_path: Path, data: dict[str, Any]) -> list[dict[str, Any]]:
    path = tmp_path / "person.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = runner.invoke(app, ["status", str(path), "--as-of", AS_OF, "--json"])
    assert result.exit_code == 0, result.output
    flags: list[dict[str, Any]] = json.loads(result.stdout)["red_flags"]
    return flags


@pytest.mark.parametrize("kind", sorted(CASES))
def test_kind_is_raised_through_status_json(tmp_path: Path, kind: str) -> None:
    raised = [f for f in flags_of(tmp_path, CASES[kind][0]) if f["kind"] == kind]
    assert len(raised) == 1
    assert raised[0]["date"] == "2024-03-09" or kind == "possible_hypercalcemia"
    assert raised[0]["urgency"] in ("emergency", "call_now")
    assert raised[0]["because"] and raised[0]["sources"]


@pytest.mark.parametrize("kind", sorted(CASES))
def test_kind_is_not_raised_from_negated_or_other_words(tmp_path: Path, kind: str) -> None:
    assert [f["kind"] for f in flags_of(tmp_path, CASES[kind][1])] == []


def test_every_contract_kind_has_a_case() -> None:
    from tests.knowledge.test_assess_knowledge import RED_FLAG_KINDS

    assert sorted(CASES) == sorted(RED_FLAG_KINDS)
