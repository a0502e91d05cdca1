"""Load, validate and cross-check the knowledge files into one `Knowledge` object.

Why a single object: engines take exactly `(record, kb, as_of)`; the knowledge base is
loaded once, checked once (schema, sources, cross-references) and then only read.

Why a cache: checking the files costs more than a command's own work, so the checked object
is kept on disk keyed by the content hash of the files and the code (`knowledge.cache`);
a call reads it back unless a file or the code changed. It carries the unit factor table
(`record.units.factor_table`) so converting a lab's unit needs no pint at start-up.
"""

from __future__ import annotations

import functools
import pickle
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from nextline.errors import KnowledgeInvalid, Problem
from nextline.knowledge.assess_schema import AssessKnowledge, load_assess
from nextline.knowledge.cache import DATA_DIR
from nextline.knowledge.checks import check_source_refs, unique_by_id
from nextline.knowledge.schema import (
    Drug,
    DrugClass,
    DrugClassesFile,
    DrugsFile,
    LabTest,
    LabTestsFile,
    Source,
    SourceRef,
    SourcesFile,
)

if TYPE_CHECKING:
    from nextline.knowledge.options_schema import OptionsKnowledge
    from nextline.knowledge.plan_schema import PlanKnowledge

KB_VERSION = "2026-12-01"  # the date the knowledge base was last checked against its sources

M = TypeVar("M", bound=BaseModel)

# Sections a command may never touch (`status` reads neither), kept pickled apart inside the
# cached knowledge base and unpickled on first use: unpickling a section imports its schema
# module, and building those model classes cost `status` more than its own work.
DEFERRED_SECTIONS = ("plan", "options")
_PICKLED = "_pickled_sections"
_unpickling = threading.Lock()


def _absent() -> None:
    """The default of a deferred section (see `Knowledge.plan`)."""
    return None


def name_key(text: str) -> str:
    """Fold a drug or test name for lookup: case, spaces, hyphens and ® do not matter."""
    folded = text.lower().replace("®", "").replace("™", "")
    return re.sub(r"[\s\-_/.,()]+", " ", folded).strip()


@dataclass(frozen=True)
class Knowledge:
    """Everything nextline knows about medicine, with an index for each lookup engines need."""

    version: str
    sources: dict[str, Source]
    classes: dict[str, DrugClass]
    drugs: dict[str, Drug]
    lab_tests: dict[str, LabTest]
    # a factory, not `= None`: a class attribute would answer before `__getattr__` could
    plan: PlanKnowledge | None = field(default_factory=_absent)
    assess: AssessKnowledge | None = None
    options: OptionsKnowledge | None = field(default_factory=_absent)
    # (folded unit spelling, canonical unit, molar mass) -> factor: `record.units`' memo
    unit_factors: dict[tuple[str, str, float | None], float | None] = field(default_factory=dict)
    _drug_names: dict[str, str] = field(default_factory=dict)
    _test_names: dict[str, str] = field(default_factory=dict)

    def __getstate__(self) -> dict[str, Any]:
        """What pickle keeps: every field, with `DEFERRED_SECTIONS` as bytes of their own."""
        state = {k: v for k, v in self.__dict__.items() if k != _PICKLED}
        pickled: dict[str, bytes] = dict(self.__dict__.get(_PICKLED, {}))
        for name in DEFERRED_SECTIONS:
            if name in state:
                pickled[name] = pickle.dumps(state.pop(name), protocol=5)
        state[_PICKLED] = pickled
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    if not TYPE_CHECKING:  # unknown attributes stay errors for mypy

        def __getattr__(self, name: str) -> Any:
            """A deferred section, unpickled the first time it is read (then a plain field)."""
            pickled = self.__dict__.get(_PICKLED)
            if name not in DEFERRED_SECTIONS or not pickled or name not in pickled:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            with _unpickling:
                if name not in self.__dict__:
                    object.__setattr__(self, name, pickle.loads(pickled[name]))
            return self.__dict__[name]

    def find_drug(self, written: str) -> Drug | None:
        """The drug a written name means (generic, brand, biosimilar or alias), or None."""
        drug_id = self._drug_names.get(name_key(written))
        return self.drugs[drug_id] if drug_id else None

    def find_lab_test(self, written: str) -> LabTest | None:
        """The lab test a written name or LOINC code means, as labs print them (aliases,
        LOINC codes, specimen words and bracketed abbreviations: `lab_names`), or None."""
        from nextline.knowledge.lab_names import find_test_id

        test_id = find_test_id(written, self._test_names.get)
        return self.lab_tests[test_id] if test_id else None

    def drug_class_ids(self, drug: Drug) -> set[str]:
        """A drug's classes and every parent class above them."""
        found: set[str] = set()
        stack = list(drug.classes)
        while stack:
            class_id = stack.pop()
            if class_id in found:
                continue
            found.add(class_id)
            parent = self.classes[class_id].parent
            if parent:
                stack.append(parent)
        return found

    def family_of(self, drug: Drug) -> str:
        """The broad family of a drug's first class (endocrine, chemotherapy, ...)."""
        return self.classes[drug.classes[0]].family

    def source(self, ref: SourceRef) -> Source:
        return self.sources[ref.id]


def _read_yaml(path: Path, problems: list[Problem]) -> Any:
    import yaml  # only when the files are read: a cached knowledge base needs no YAML

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, yaml.YAMLError) as exc:
        problems.append(Problem(path.name, f"cannot read: {exc}"))
        return None


def _validate(model: type[M], data: Any, filename: str, problems: list[Problem]) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            problems.append(Problem(f"{filename}:{loc}", err["msg"]))
        return None


def _index_names(
    entries: Iterable[tuple[str, Iterable[str]]], what: str, problems: list[Problem]
) -> dict[str, str]:
    index: dict[str, str] = {}
    for entry_id, names in entries:
        for name in names:
            key = name_key(name)
            other = index.get(key)
            if other is not None and other != entry_id:
                problems.append(Problem(f"{what}.{entry_id}", f"name {name!r} also means {other}"))
            index[key] = entry_id
    return index


def load_knowledge(data_dir: Path | None = None, *, use_cache: bool = True) -> Knowledge:
    """Load and check every knowledge file; raise `KnowledgeInvalid` listing every problem.

    With `use_cache` (the default) a checked copy on disk is used when no file and no code
    changed since it was made; without, every file is read and checked again."""
    from nextline.record.units import remember_factors

    kb = _load_cached(str(data_dir or DATA_DIR), use_cache)
    remember_factors(kb.unit_factors)
    return kb


@functools.lru_cache(maxsize=8)
def _load_cached(data_dir: str, use_cache: bool) -> Knowledge:
    if not use_cache:
        return _build(Path(data_dir))
    from nextline.knowledge import cache

    return cache.cached(Path(data_dir), Knowledge, lambda: _build(Path(data_dir)))


def _build(folder: Path) -> Knowledge:
    """Read, validate and cross-check every file (the slow path the cache saves)."""
    from nextline.record.units import factor_table

    problems: list[Problem] = []
    source_lists: list[Source] = []
    for path in sorted((folder / "sources").glob("*.yaml")):
        parsed = _validate(
            SourcesFile, _read_yaml(path, problems), f"sources/{path.name}", problems
        )
        if parsed:
            source_lists.extend(parsed.sources)
    classes_file = _validate(
        DrugClassesFile,
        _read_yaml(folder / "drug_classes.yaml", problems),
        "drug_classes.yaml",
        problems,
    )
    drugs_file = _validate(
        DrugsFile, _read_yaml(folder / "drugs.yaml", problems), "drugs.yaml", problems
    )
    labs_file = _validate(
        LabTestsFile, _read_yaml(folder / "lab_tests.yaml", problems), "lab_tests.yaml", problems
    )
    if problems or not (classes_file and drugs_file and labs_file):
        raise KnowledgeInvalid(problems)

    sources = unique_by_id(source_lists, "sources", problems)
    classes = unique_by_id(classes_file.classes, "drug_classes.yaml", problems)
    drugs = unique_by_id(drugs_file.drugs, "drugs.yaml", problems)
    lab_tests = unique_by_id(labs_file.tests, "lab_tests.yaml", problems)

    for cls in classes.values():
        check_source_refs(f"drug_classes.{cls.id}", cls.sources, sources, problems)
        if cls.parent and cls.parent not in classes:
            problems.append(Problem(f"drug_classes.{cls.id}", f"unknown parent {cls.parent!r}"))
    for drug in drugs.values():
        check_source_refs(f"drugs.{drug.id}", drug.sources, sources, problems)
        for class_id in drug.classes:
            if class_id not in classes:
                problems.append(Problem(f"drugs.{drug.id}", f"unknown class {class_id!r}"))
        if drug.payload and drug.payload not in drugs:
            problems.append(Problem(f"drugs.{drug.id}", f"unknown payload {drug.payload!r}"))
        for inner in drug.contains:
            if inner not in drugs or inner == drug.id:
                problems.append(Problem(f"drugs.{drug.id}", f"contains unknown drug {inner!r}"))
    for test in lab_tests.values():
        check_source_refs(f"lab_tests.{test.id}", test.sources, sources, problems)
        if test.plausible is not None:
            where = f"lab_tests.{test.id}.plausible"
            check_source_refs(where, test.plausible.sources, sources, problems)

    drug_names = _index_names(
        ((d.id, [d.id, d.name, *d.brands, *d.biosimilars, *d.aliases]) for d in drugs.values()),
        "drugs",
        problems,
    )
    test_names = _index_names(
        ((t.id, [t.id, t.name, t.loinc, *t.also_loinc, *t.aliases]) for t in lab_tests.values()),
        "lab_tests",
        problems,
    )
    plan = _load_plan(folder, sources, problems)
    assess = load_assess(folder, sources, drugs, lab_tests, problems, classes)
    from nextline.knowledge.options_load import load_options

    options = load_options(
        folder, sources, drugs, classes, lab_tests, problems, _read_yaml, _validate
    )
    if problems:
        raise KnowledgeInvalid(problems)
    targets = ((t.canonical_unit, t.molar_mass_g_per_mol) for t in lab_tests.values())
    return Knowledge(
        version=KB_VERSION,
        sources=sources,
        classes=classes,
        drugs=drugs,
        lab_tests=lab_tests,
        _drug_names=drug_names,
        _test_names=test_names,
        plan=plan,
        assess=assess,
        options=options,
        unit_factors=factor_table(targets),
    )


def _load_plan(
    folder: Path, sources: dict[str, Source], problems: list[Problem]
) -> PlanKnowledge | None:
    """The plan's questions and supportive care, when the files exist (checked like the rest)."""
    from nextline.knowledge.plan_schema import QuestionsFile, SupportiveCareFile

    if not (folder / "questions.yaml").exists():
        return None
    questions = _validate(
        QuestionsFile, _read_yaml(folder / "questions.yaml", problems), "questions.yaml", problems
    )
    support = _validate(
        SupportiveCareFile,
        _read_yaml(folder / "supportive_care.yaml", problems),
        "supportive_care.yaml",
        problems,
    )
    if not (questions and support):
        return None
    for q in questions.questions:
        check_source_refs(f"questions.{q.id}", q.sources, sources, problems)
    for c in questions.change_signals:
        check_source_refs(f"questions.change_signals.{c.id}", c.sources, sources, problems)
    for t in support.topics:
        check_source_refs(f"supportive_care.{t.id}", t.sources, sources, problems)
    for r in support.care_team_roles:
        check_source_refs(f"supportive_care.roles.{r.role}", r.sources, sources, problems)
    unique_by_id(questions.questions, "questions.yaml", problems)
    unique_by_id(support.topics, "supportive_care.yaml", problems)
    from nextline.knowledge.plan_schema import PlanKnowledge

    return PlanKnowledge(
        groups=questions.groups,
        questions=questions.questions,
        change_signals=questions.change_signals,
        topics=support.topics,
        care_team_roles=support.care_team_roles,
    )
