"""The assess knowledge (assess_thresholds.yaml, red_flags.yaml): every fact sourced, every
cross-reference checked, and broken files named after their defect refused at load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from nextline.errors import KnowledgeInvalid
from nextline.knowledge import Knowledge, load_knowledge
from nextline.knowledge.base import DATA_DIR


def test_every_assess_fact_names_a_known_source_with_an_https_url(kb: Knowledge) -> None:
    assert kb.assess is not None
    refs = kb.assess.source_refs()
    unknown = [(owner, ref.id) for owner, ref in refs if ref.id not in kb.sources]
    insecure = [ref.id for _, ref in refs if not kb.sources[ref.id].url.startswith("https://")]
    assert (unknown, insecure) == ([], [])
    assert len(refs) >= 40


def test_every_red_flag_has_a_source_and_says_what_to_do(kb: Knowledge) -> None:
    assert kb.assess is not None
    gaps = [
        flag.kind
        for flag in kb.assess.red_flags
        if not flag.sources or "call" not in flag.message.lower()
    ]
    assert gaps == []
    assert sorted(f.kind for f in kb.assess.red_flags) == sorted(RED_FLAG_KINDS)


# The contract (`status --json` red_flags[].kind), docs/assess.md lists each one.
RED_FLAG_KINDS = [
    "possible_febrile_neutropenia",
    "possible_spinal_cord_compression",
    "neurological_change",
    "new_confusion",
    "possible_hypercalcemia",
    "possible_pneumonitis",
    "possible_blood_clot",
    "possible_superior_vena_cava_obstruction",
    "possible_bowel_obstruction",
    "severe_diarrhea",
    "high_blood_sugar",
    "heart_rhythm",
    "severe_breathlessness",
    "uncontrolled_pain",
    "bleeding_with_low_platelets",
    "coughing_or_vomiting_blood",
    "possible_jaw_osteonecrosis",
    "eye_problem",
    "immune_side_effect",
]


def test_docs_list_every_red_flag_kind_with_its_urgency() -> None:
    text = (Path(__file__).parents[2] / "docs" / "assess.md").read_text(encoding="utf-8")
    assert [kind for kind in RED_FLAG_KINDS if f"`{kind}`" not in text] == []


def test_recist_numbers_are_those_of_recist_1_1(kb: Knowledge) -> None:
    assert kb.assess is not None
    r = kb.assess.recist
    numbers = [
        r.max_targets.value,
        r.max_targets_per_organ.value,
        r.min_measurable_mm.value,
        r.min_node_short_axis_mm.value,
        r.node_normal_below_mm.value,
        r.too_small_default_mm.value,
        r.pd_increase_pct.value,
        r.pd_min_absolute_mm.value,
        r.pr_decrease_pct.value,
    ]
    assert numbers == [5, 2, 10, 15, 10, 5, 20, 5, 30]


def test_count_thresholds_are_in_each_tests_canonical_unit(kb: Knowledge) -> None:
    assert kb.assess is not None
    counts = kb.assess.blood_counts
    rules = [*counts.default, *(rule for d in counts.drugs for rule in d.rules)]
    wrong = [r.test for r in rules if kb.lab_tests[r.test].canonical_unit != r.unit]
    assert wrong == []


# --- deliberately broken copies, each named after its defect -----------------------------
def _broken_copy(tmp_path: Path, filename: str, edit: object) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    path = folder / filename
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder


def _problems(folder: Path) -> list[str]:
    with pytest.raises(KnowledgeInvalid) as caught:
        load_knowledge(folder)
    return [str(p) for p in caught.value.problems]


def test_threshold_citing_an_unknown_source_is_refused(tmp_path: Path) -> None:
    def edit(data: dict) -> None:  # type: ignore[type-arg]
        data["recist"]["pd_increase_pct"]["sources"] = [{"id": "made_up_paper"}]

    assert _problems(_broken_copy(tmp_path, "assess_thresholds.yaml", edit)) == [
        "error: assess.recist.pd_increase_pct: names unknown source 'made_up_paper'"
    ]


def test_count_threshold_in_the_wrong_unit_is_refused(tmp_path: Path) -> None:
    def edit(data: dict) -> None:  # type: ignore[type-arg]
        data["blood_counts"]["drugs"][0]["rules"][0]["unit"] = "cells/mm3"

    assert _problems(_broken_copy(tmp_path, "assess_thresholds.yaml", edit)) == [
        "error: assess.blood_counts.docetaxel.anc: unit 'cells/mm3' is not the test's "
        "canonical unit '10^9/L'"
    ]


def test_count_rule_for_an_unknown_drug_is_refused(tmp_path: Path) -> None:
    def edit(data: dict) -> None:  # type: ignore[type-arg]
        data["blood_counts"]["drugs"][0]["drug"] = "docetaxol"

    assert _problems(_broken_copy(tmp_path, "assess_thresholds.yaml", edit)) == [
        "error: assess.blood_counts.docetaxol: unknown drug"
    ]


def test_red_flag_with_an_unknown_condition_type_is_refused(tmp_path: Path) -> None:
    def edit(data: dict) -> None:  # type: ignore[type-arg]
        data["red_flags"][0]["rules"][0]["when"][0][0] = {"type": "feverish", "min_c": 38.0}

    problems = _problems(_broken_copy(tmp_path, "red_flags.yaml", edit))
    assert len(problems) == 1
    assert problems[0].startswith(
        "error: red_flags.yaml:red_flags.0.rules.0.when.0.0: Input tag 'feverish'"
    )


def test_red_flag_naming_an_unknown_sign_or_drug_is_refused(tmp_path: Path) -> None:
    def edit(data: dict) -> None:  # type: ignore[type-arg]
        when = data["red_flags"][0]["rules"][0]["when"]
        when[0].append({"type": "sign", "any": ["feeling_hot"]})
        when[1].append({"type": "on_treatment", "drugs": ["paracetamoll"], "within_days": 7})

    problems = _problems(_broken_copy(tmp_path, "red_flags.yaml", edit))
    assert problems == [
        "error: red_flags.possible_febrile_neutropenia: unknown sign 'feeling_hot'",
        "error: red_flags.possible_febrile_neutropenia: unknown drug 'paracetamoll'",
    ]


def test_a_form_sign_without_words_in_the_vocabulary_is_refused(tmp_path: Path) -> None:
    def edit(data: dict) -> None:  # type: ignore[type-arg]
        data["concepts"] = [c for c in data["concepts"] if c["id"] != "jaw_pain"]

    problems = _problems(_broken_copy(tmp_path, "symptom_vocabulary.yaml", edit))
    assert "error: symptom_vocabulary: the form's sign 'jaw_pain' has no concept" in problems


def test_red_flag_without_a_source_is_refused(tmp_path: Path) -> None:
    def edit(data: dict) -> None:  # type: ignore[type-arg]
        data["red_flags"][1]["sources"] = []

    assert _problems(_broken_copy(tmp_path, "red_flags.yaml", edit)) == [
        "error: red_flags.yaml:red_flags.1.sources: List should have at least 1 item after "
        "validation, not 0"
    ]
