"""The plan's knowledge files are checked like the rest: schema, sources, cross-references.
Each broken copy is named after its defect."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from nextline.errors import KnowledgeInvalid
from nextline.knowledge import Knowledge, load_knowledge
from nextline.knowledge.base import DATA_DIR


def _broken_copy(tmp_path: Path, filename: str, edit: object) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    path = folder / filename
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder


def _problems(folder: Path) -> list[tuple[str, str]]:
    with pytest.raises(KnowledgeInvalid) as caught:
        load_knowledge(folder)
    return [(p.path, p.reason) for p in caught.value.problems]


def test_question_naming_an_unknown_source(tmp_path: Path) -> None:
    def edit(data: dict) -> None:  # type: ignore[type-arg]
        data["questions"][1]["sources"] = [{"id": "no_such_source"}]

    folder = _broken_copy(tmp_path, "questions.yaml", edit)
    assert _problems(folder) == [("questions.options_now", "names unknown source 'no_such_source'")]


def test_question_without_why(tmp_path: Path) -> None:
    def edit(data: dict) -> None:  # type: ignore[type-arg]
        del data["questions"][1]["why"]

    folder = _broken_copy(tmp_path, "questions.yaml", edit)
    assert _problems(folder) == [("questions.yaml:questions.1.why", "Field required")]


def test_question_with_an_unknown_trigger(tmp_path: Path) -> None:
    def edit(data: dict) -> None:  # type: ignore[type-arg]
        data["questions"][1]["trigger"] = "sometimes"

    folder = _broken_copy(tmp_path, "questions.yaml", edit)
    [(path, reason)] = _problems(folder)
    assert path == "questions.yaml:questions.1.trigger"
    assert reason.startswith("Input should be 'always', 'not_working'")


def test_supportive_topic_without_a_source(tmp_path: Path) -> None:
    def edit(data: dict) -> None:  # type: ignore[type-arg]
        data["topics"][0]["sources"] = []

    folder = _broken_copy(tmp_path, "supportive_care.yaml", edit)
    [(path, reason)] = _problems(folder)
    assert path == "supportive_care.yaml:topics.0.sources"
    assert reason.startswith("List should have at least 1 item")


def test_every_plan_fact_names_a_known_dated_source(kb: Knowledge) -> None:
    assert kb.plan is not None
    refs = (
        [(f"questions.{q.id}", r.id) for q in kb.plan.questions for r in q.sources]
        + [(f"supportive_care.{t.id}", r.id) for t in kb.plan.topics for r in t.sources]
        + [(f"roles.{c.role}", r.id) for c in kb.plan.care_team_roles for r in c.sources]
        + [(f"change_signals.{s.id}", r.id) for s in kb.plan.change_signals for r in s.sources]
    )
    unknown = [(owner, sid) for owner, sid in refs if sid not in kb.sources]
    assert unknown == []
    undated = [sid for _, sid in refs if kb.sources[sid].accessed is None]
    assert undated == []
    assert len(kb.plan.questions) == 21
    assert len(kb.plan.topics) == 6
