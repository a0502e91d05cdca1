"""Write the knowledge fixtures: `minimal/` (a small valid knowledge base) and one folder
under `broken/<defect-name>/` per defect, each with `expected.txt` naming the problems
`nextline kb check` must report. Run `python tests/knowledge/make_fixtures.py` after changing
it; the tests read the written folders (and check they are up to date)."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
Files = dict[str, Any]

SOURCE = {
    "id": "fda_label_letrozole",
    "title": "FEMARA (letrozole) prescribing information",
    "url": "https://www.accessdata.fda.gov/drugsatfda_docs/label/2020/020726s035lbl.pdf",
    "publisher": "U.S. Food and Drug Administration",
    "accessed": "2026-12-02",
}
REF = [{"id": "fda_label_letrozole", "section": "1 INDICATIONS AND USAGE"}]


def minimal() -> Files:
    return copy.deepcopy(_MINIMAL)


_MINIMAL: Files = {
    "sources/test.yaml": {"format_version": 1, "sources": [SOURCE]},
    "drug_classes.yaml": {
        "format_version": 1,
        "classes": [
            {
                "id": "aromatase_inhibitor",
                "name": "aromatase inhibitor",
                "plain": "lowers estrogen",
                "family": "endocrine",
                "sources": REF,
            },
        ],
    },
    "drugs.yaml": {
        "format_version": 1,
        "drugs": [
            {
                "id": "letrozole",
                "name": "letrozole",
                "brands": ["Femara"],
                "classes": ["aromatase_inhibitor"],
                "route": "oral",
                "how_given": "a pill once a day",
                "sources": REF,
            },
            {
                "id": "oldstatin",
                "name": "oldstatin",
                "classes": ["aromatase_inhibitor"],
                "route": "oral",
                "how_given": "a pill",
                "us_approved": False,
                "sources": REF,
            },
        ],
    },
    "lab_tests.yaml": {
        "format_version": 1,
        "tests": [
            {
                "id": "lvef",
                "name": "LVEF",
                "loinc": "10230-1",
                "canonical_unit": "%",
                "kind": "heart",
                "sources": REF,
            },
        ],
    },
    "regimens.yaml": {
        "format_version": 1,
        "groups": [
            {"id": "endocrine_targeted", "name": "Hormone therapy", "plain": "hormone pills"},
            {"id": "care", "name": "Care", "plain": "care"},
        ],
        "group_order": [
            {
                "subtype": "hr_positive_her2_negative",
                "groups": ["endocrine_targeted", "care"],
                "sources": REF,
            },
        ],
        "regimens": [
            {
                "id": "letrozole",
                "name": "letrozole",
                "drugs": ["letrozole"],
                "indications": [
                    {
                        "id": "first_line",
                        "summary": "first hormone treatment",
                        "group": "endocrine_targeted",
                        "approved": None,
                        "rules": [
                            {"rule": "hr_status", "status": "positive"},
                            {"rule": "not_progressed_on_drug", "drugs": ["letrozole"]},
                            {
                                "rule": "prior_class_received",
                                "classes": ["aromatase_inhibitor"],
                                "label": "an AI",
                            },
                        ],
                        "sources": REF,
                    }
                ],
                "cautions": [
                    {
                        "id": "heart",
                        "condition": {"when": "lab_below", "test": "lvef", "value": 50},
                        "text": "ask about your heart",
                        "sources": REF,
                    },
                ],
            }
        ],
    },
    "non_drug_options.yaml": {
        "format_version": 1,
        "options": [
            {
                "id": "palliative_care",
                "name": "Palliative care",
                "kind": "care",
                "group": "care",
                "plain": "help with symptoms",
                "sources": REF,
            },
        ],
    },
    "tests_to_consider.yaml": {
        "format_version": 1,
        "tests": [
            {
                "id": "esr1",
                "name": "ESR1 test",
                "why": "opens options",
                "missing": "genes",
                "genes": ["ESR1"],
                "sources": REF,
            },
        ],
    },
}


def _regimen(files: Files) -> dict[str, Any]:
    regimen: dict[str, Any] = files["regimens.yaml"]["regimens"][0]
    return regimen


def _indication(files: Files) -> dict[str, Any]:
    indication: dict[str, Any] = _regimen(files)["indications"][0]
    return indication


def _set(path: list[Any], value: Any) -> Callable[[Files], None]:
    def change(files: Files) -> None:
        node = files
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


def _unknown_source(files: Files) -> None:
    _indication(files)["sources"] = [{"id": "no_such_source"}]


def _duplicate_regimen(files: Files) -> None:
    files["regimens.yaml"]["regimens"].append(copy.deepcopy(_regimen(files)))


def _unordered_group(files: Files) -> None:
    files["regimens.yaml"]["groups"].append({"id": "trials", "name": "Trials", "plain": "t"})


# defect name -> (change, expected problem lines)
DEFECTS: dict[str, tuple[Callable[[Files], None], list[str]]] = {
    "unknown_source_ref": (
        _unknown_source,
        ["error: regimens.letrozole.first_line: names unknown source 'no_such_source'"],
    ),
    "unknown_drug_in_regimen": (
        lambda f: _regimen(f).__setitem__("drugs", ["letrozol"]),
        ["error: regimens.letrozole: unknown drug 'letrozol'"],
    ),
    "unapproved_drug_in_regimen": (
        lambda f: _regimen(f).__setitem__("drugs", ["oldstatin"]),
        [
            "error: regimens.letrozole: drug 'oldstatin' is not approved in the U.S.; it can "
            "only appear under clinical trials"
        ],
    ),
    "unknown_rule_type": (
        lambda f: _indication(f)["rules"].append({"rule": "tumor_is_small"}),
        [
            "error: regimens.yaml:regimens.0.indications.0.rules.3: Input tag 'tumor_is_small' "
            "found using 'rule' does not match any of the expected tags: 'hr_status', "
            "'her2_category_in', 'alteration_detected', 'tumor_biomarker_high', "
            "'germline_pathogenic', "
            "'pdl1_cps_at_least', 'menopausal_status_or_ovarian_suppression', "
            "'menopausal_status_in', 'sex', 'no_visceral_crisis', 'not_pd1_candidate', "
            "'prior_class_received', 'not_received', "
            "'not_progressed_on_drug', 'not_progressed_on_class', "
            "'relapse_within_months_of_adjuvant', 'min_prior_lines', 'site_present', "
            "'brain_lesions_at_most', 'symptom_at_least', 'any_of'"
        ],
    ),
    "typo_in_key": (
        lambda f: _regimen(f).__setitem__("drgus", ["letrozole"]),
        ["error: regimens.yaml:regimens.0.drgus: Extra inputs are not permitted"],
    ),
    "missing_format_version": (
        lambda f: f["regimens.yaml"].pop("format_version"),
        ["error: regimens.yaml:format_version: Field required"],
    ),
    "duplicate_regimen_id": (
        _duplicate_regimen,
        ["error: regimens.yaml:letrozole: duplicate id"],
    ),
    "unknown_group": (
        lambda f: _indication(f).__setitem__("group", "hormones"),
        ["error: regimens.letrozole.first_line: unknown group 'hormones'"],
    ),
    "group_not_ordered": (
        _unordered_group,
        ["error: regimens.group_order.hr_positive_her2_negative: groups not ordered: trials"],
    ),
    "unknown_class_in_rule": (
        lambda f: _indication(f)["rules"][2].__setitem__("classes", ["aromatase_inhibitors"]),
        [
            "error: regimens.letrozole.first_line: prior_class_received names unknown class "
            "'aromatase_inhibitors'"
        ],
    ),
    "unknown_lab_test_in_caution": (
        lambda f: _regimen(f)["cautions"][0]["condition"].__setitem__("test", "ejection"),
        ["error: regimens.letrozole.cautions.heart: names unknown lab test 'ejection'"],
    ),
    "unknown_class_in_caution": (
        lambda f: _regimen(f)["cautions"].append(
            {
                "id": "grew_on_class",
                "condition": {"when": "prior_progression_on_class", "classes": ["cdk46_inhibitor"]},
                "text": "ask about a second drug of this kind",
                "sources": REF,
            }
        ),
        ["error: regimens.letrozole.cautions.grew_on_class: names unknown class 'cdk46_inhibitor'"],
    ),
    "rule_without_target": (
        lambda f: _indication(f)["rules"][2].__setitem__("classes", []),
        [
            "error: regimens.letrozole.first_line: prior_class_received names no drug, class or "
            "family"
        ],
    ),
    "fact_without_source": (
        lambda f: _indication(f).__setitem__("sources", []),
        [
            "error: regimens.yaml:regimens.0.indications.0.sources: List should have at least 1 "
            "item after validation, not 0"
        ],
    ),
    "source_url_not_https": (
        _set(["sources/test.yaml", "sources", 0, "url"], "http://example.org/label.pdf"),
        ["error: sources/test.yaml:sources.0.url: String should match pattern '^https://'"],
    ),
    "id_not_a_slug": (
        lambda f: _regimen(f).__setitem__("id", "Letrozole 2.5mg"),
        [
            "error: regimens.yaml:regimens.0.id: Value error, 'Letrozole 2.5mg' is not a "
            "lower_snake id"
        ],
    ),
    "contains_unknown_drug": (
        lambda f: f["drugs.yaml"]["drugs"][0].__setitem__("contains", ["trastuzumab"]),
        ["error: drugs.letrozole: contains unknown drug 'trastuzumab'"],
    ),
    "genes_test_without_genes": (
        lambda f: f["tests_to_consider.yaml"]["tests"][0].__setitem__("genes", []),
        ["error: tests_to_consider.esr1: missing: genes needs `genes`"],
    ),
}


def write(folder: Path, files: Files) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def main() -> None:
    write(HERE / "minimal", minimal())
    broken = HERE / "broken"
    if broken.exists():
        shutil.rmtree(broken)
    for name, (change, expected) in DEFECTS.items():
        files = minimal()
        change(files)
        write(broken / name, files)
        (broken / name / "expected.txt").write_text("\n".join(expected) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
