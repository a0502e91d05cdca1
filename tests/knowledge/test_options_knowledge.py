"""The options knowledge: schema, sources, cross-references, and the broken fixtures that
prove each check (one folder per defect under `broken/`, named after it)."""

from __future__ import annotations

import datetime as dt
import typing
from pathlib import Path

import pytest

from nextline.errors import KnowledgeInvalid
from nextline.knowledge import KB_VERSION, Knowledge, load_knowledge
from nextline.knowledge import options_schema as schema
from nextline.options.rules import EVALUATORS
from tests.knowledge import make_fixtures

HERE = Path(__file__).parent
BROKEN = sorted(p for p in (HERE / "broken").iterdir() if p.is_dir())


def test_the_minimal_fixture_is_valid() -> None:
    kb = load_knowledge(HERE / "minimal")
    assert kb.options is not None
    assert list(kb.options.regimens) == ["letrozole"]


@pytest.mark.parametrize("folder", BROKEN, ids=[p.name for p in BROKEN])
def test_each_broken_fixture_fails_with_exactly_its_defect(folder: Path) -> None:
    expected = (folder / "expected.txt").read_text(encoding="utf-8").splitlines()
    with pytest.raises(KnowledgeInvalid) as caught:
        load_knowledge(folder)
    assert [str(p) for p in caught.value.problems] == expected


def test_every_defect_has_a_fixture_folder() -> None:
    assert [p.name for p in BROKEN] == sorted(make_fixtures.DEFECTS)


def test_committed_fixtures_match_their_generator(tmp_path: Path) -> None:
    stale = []
    for name, (change, _) in make_fixtures.DEFECTS.items():
        files = make_fixtures.minimal()
        change(files)
        make_fixtures.write(tmp_path / name, files)
        for path in (tmp_path / name).rglob("*.yaml"):
            committed = HERE / "broken" / name / path.relative_to(tmp_path / name)
            if committed.read_text(encoding="utf-8") != path.read_text(encoding="utf-8"):
                stale.append(str(committed))
    assert stale == [], "run `python tests/knowledge/make_fixtures.py`"


def test_every_rule_type_has_exactly_one_evaluator() -> None:
    union = typing.get_args(typing.get_args(schema.Rule)[0])
    tags = sorted(typing.get_args(m.model_fields["rule"].annotation)[0] for m in union)
    assert tags == sorted(schema.RULE_TYPES)
    assert sorted(EVALUATORS) == sorted(schema.RULE_TYPES)


def test_every_rule_type_is_used_by_the_knowledge(kb: Knowledge) -> None:
    assert kb.options is not None
    used: set[str] = set()

    def walk(rules: list[schema.Rule]) -> None:
        for rule in rules:
            used.add(rule.rule)
            if isinstance(rule, schema.AnyOf):
                walk(rule.rules)

    for regimen in kb.options.regimens.values():
        for indication in regimen.indications:
            walk(indication.rules)
    for option in kb.options.non_drug.values():
        walk(option.applies_when)
    assert sorted(set(schema.RULE_TYPES) - used) == []


def test_every_regimen_drug_is_approved_in_the_us(kb: Knowledge) -> None:
    assert kb.options is not None
    unapproved = [
        (r.id, d)
        for r in kb.options.regimens.values()
        for d in r.drugs
        if not kb.drugs[d].us_approved
    ]
    assert unapproved == []


def test_approval_dates_are_not_after_the_knowledge_base_date(kb: Knowledge) -> None:
    assert kb.options is not None
    checked = dt.date.fromisoformat(KB_VERSION)
    late = [
        f"{r.id}.{i.id}"
        for r in kb.options.regimens.values()
        for i in r.indications
        if i.approved is not None and i.approved > checked
    ]
    assert late == []


def test_every_indication_cites_an_fda_label_or_a_guideline(kb: Knowledge) -> None:
    assert kb.options is not None
    kinds = ("fda_label_", "asco_", "nci_", "esmo_")
    missing = [
        f"{r.id}.{i.id}"
        for r in kb.options.regimens.values()
        for i in r.indications
        if not any(s.id.startswith(kinds) for s in i.sources)
    ]
    assert missing == []


def test_every_options_source_is_used(kb: Knowledge) -> None:
    assert kb.options is not None
    data = (HERE.parents[1] / "src/nextline/knowledge/data/sources/options.yaml").read_text(
        encoding="utf-8"
    )
    defined = [line.split(": ", 1)[1] for line in data.splitlines() if line.startswith("- id: ")]
    text = "".join(
        (HERE.parents[1] / "src/nextline/knowledge/data" / name).read_text(encoding="utf-8")
        for name in ("regimens.yaml", "non_drug_options.yaml", "tests_to_consider.yaml")
    )
    unused = [source for source in defined if f"id: {source}" not in text]
    assert unused == []


def test_a_product_names_the_drugs_it_contains(kb: Knowledge) -> None:
    assert kb.drugs["pertuzumab_trastuzumab_hyaluronidase"].contains == [
        "pertuzumab",
        "trastuzumab",
    ]
    assert kb.drugs["trastuzumab_hyaluronidase"].contains == ["trastuzumab"]
    assert kb.find_drug("Phesgo") == kb.drugs["pertuzumab_trastuzumab_hyaluronidase"]


def test_a_knowledge_folder_without_regimens_has_no_options(tmp_path: Path) -> None:
    files = make_fixtures.minimal()
    for name in ("regimens.yaml", "non_drug_options.yaml", "tests_to_consider.yaml"):
        files.pop(name)
    make_fixtures.write(tmp_path / "kb", files)
    assert load_knowledge(tmp_path / "kb").options is None
