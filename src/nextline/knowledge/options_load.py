"""Load and cross-check the options knowledge (regimens, non-drug options, tests to consider).

Called by `base._build`; every problem is appended to the shared list so one run of
`nextline kb check` names them all. Cross-checks: every source id exists, every drug and
class named by a rule exists, every regimen drug is approved in the U.S., every group used is
defined and ordered for each subtype, every lab test and class named by a caution exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from nextline.errors import Problem
from nextline.knowledge.checks import check_source_refs, unique_by_id
from nextline.knowledge.options_schema import (
    AnyOf,
    Caution,
    NonDrugOptionsFile,
    NotProgressedOnClass,
    NotProgressedOnDrug,
    NotReceived,
    OptionsKnowledge,
    PriorClassReceived,
    PriorProgressionOnClass,
    RegimensFile,
    RelapseWithinMonthsOfAdjuvant,
    Rule,
    TestsFile,
)
from nextline.knowledge.schema import Drug, DrugClass, LabTest, Source

REGIMENS_FILE = "regimens.yaml"
NON_DRUG_FILE = "non_drug_options.yaml"
TESTS_FILE = "tests_to_consider.yaml"

Reader = Callable[[Path, list[Problem]], Any]
Validator = Callable[[type[Any], Any, str, list[Problem]], Any]


def _strip_anchors(data: Any) -> Any:
    """Top-level keys starting with `x-` only hold YAML anchors reused below; drop them."""
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if not str(k).startswith("x-")}
    return data


def _walk(rules: Iterable[Rule]) -> Iterable[Rule]:
    for rule in rules:
        yield rule
        if isinstance(rule, AnyOf):
            yield from _walk(rule.rules)


def _check_rules(
    owner: str,
    rules: Iterable[Rule],
    drugs: dict[str, Drug],
    classes: dict[str, DrugClass],
    problems: list[Problem],
) -> None:
    for rule in _walk(rules):
        drug_ids: list[str] = []
        class_ids: list[str] = []
        if isinstance(rule, PriorClassReceived | NotReceived):
            drug_ids, class_ids = rule.drugs, rule.classes
            if not (rule.drugs or rule.classes or rule.families):
                problems.append(Problem(owner, f"{rule.rule} names no drug, class or family"))
        elif isinstance(rule, NotProgressedOnDrug):
            drug_ids = rule.drugs
        elif isinstance(rule, NotProgressedOnClass):
            class_ids = rule.classes
        elif isinstance(rule, RelapseWithinMonthsOfAdjuvant):
            class_ids = rule.classes
            if not (rule.classes or rule.families):
                problems.append(Problem(owner, f"{rule.rule} names no class or family"))
        for drug_id in drug_ids:
            if drug_id not in drugs:
                problems.append(Problem(owner, f"{rule.rule} names unknown drug {drug_id!r}"))
        for class_id in class_ids:
            if class_id not in classes:
                problems.append(Problem(owner, f"{rule.rule} names unknown class {class_id!r}"))


def _check_cautions(
    owner: str,
    cautions: Iterable[Caution],
    sources: dict[str, Source],
    lab_tests: dict[str, LabTest],
    classes: dict[str, DrugClass],
    problems: list[Problem],
) -> None:
    for caution in cautions:
        where = f"{owner}.cautions.{caution.id}"
        check_source_refs(where, caution.sources, sources, problems)
        test = getattr(caution.condition, "test", None)
        if test is not None and test not in lab_tests:
            problems.append(Problem(where, f"names unknown lab test {test!r}"))
        if isinstance(caution.condition, PriorProgressionOnClass):
            for class_id in caution.condition.classes:
                if class_id not in classes:
                    problems.append(Problem(where, f"names unknown class {class_id!r}"))


def load_options(
    folder: Path,
    sources: dict[str, Source],
    drugs: dict[str, Drug],
    classes: dict[str, DrugClass],
    lab_tests: dict[str, LabTest],
    problems: list[Problem],
    read: Reader,
    validate: Validator,
) -> OptionsKnowledge | None:
    """The options knowledge from `folder`, or None when it has no regimens file."""
    if not (folder / REGIMENS_FILE).exists():
        return None
    regimens_file: RegimensFile | None = validate(
        RegimensFile,
        _strip_anchors(read(folder / REGIMENS_FILE, problems)),
        REGIMENS_FILE,
        problems,
    )
    non_drug_file: NonDrugOptionsFile | None = validate(
        NonDrugOptionsFile, read(folder / NON_DRUG_FILE, problems), NON_DRUG_FILE, problems
    )
    tests_file: TestsFile | None = validate(
        TestsFile, read(folder / TESTS_FILE, problems), TESTS_FILE, problems
    )
    if not (regimens_file and non_drug_file and tests_file):
        return None

    groups = unique_by_id(regimens_file.groups, "regimens.yaml:groups", problems)
    regimens = unique_by_id(regimens_file.regimens, "regimens.yaml", problems)
    non_drug = unique_by_id(non_drug_file.options, NON_DRUG_FILE, problems)
    tests = unique_by_id(tests_file.tests, TESTS_FILE, problems)
    for both in set(regimens) & set(non_drug):
        problems.append(Problem(f"{NON_DRUG_FILE}:{both}", "id also used by a regimen"))

    order: dict[str, Any] = {}
    for entry in regimens_file.group_order:
        owner = f"regimens.group_order.{entry.subtype}"
        if entry.subtype in order:
            problems.append(Problem(owner, "subtype ordered twice"))
        order[entry.subtype] = entry
        check_source_refs(owner, entry.sources, sources, problems)
        for group_id in entry.groups:
            if group_id not in groups:
                problems.append(Problem(owner, f"unknown group {group_id!r}"))
        missing = sorted(set(groups) - set(entry.groups))
        if missing:
            problems.append(Problem(owner, f"groups not ordered: {', '.join(missing)}"))

    for regimen in regimens.values():
        owner = f"regimens.{regimen.id}"
        for drug_id in {d for choice in regimen.drug_choices for d in choice} | set(
            regimen.not_fda_approved_for_breast
        ):
            if drug_id not in drugs:
                problems.append(Problem(owner, f"unknown drug {drug_id!r}"))
        for drug_id in regimen.drugs:
            drug = drugs.get(drug_id)
            if drug is None:
                problems.append(Problem(owner, f"unknown drug {drug_id!r}"))
            elif drug.us_approved is not True:
                problems.append(
                    Problem(
                        owner,
                        f"drug {drug_id!r} is not approved in the U.S.; "
                        "it can only appear under clinical trials",
                    )
                )
        unique_by_id(regimen.indications, f"{owner}.indications", problems)
        for indication in regimen.indications:
            where = f"{owner}.{indication.id}"
            check_source_refs(where, indication.sources, sources, problems)
            _check_rules(where, indication.rules, drugs, classes, problems)
            if indication.group not in groups:
                problems.append(Problem(where, f"unknown group {indication.group!r}"))
        unique_by_id(regimen.cautions, f"{owner}.cautions", problems)
        _check_cautions(owner, regimen.cautions, sources, lab_tests, classes, problems)

    for option in non_drug.values():
        owner = f"non_drug_options.{option.id}"
        check_source_refs(owner, option.sources, sources, problems)
        _check_rules(owner, option.applies_when, drugs, classes, problems)
        if option.group not in groups:
            problems.append(Problem(owner, f"unknown group {option.group!r}"))
        for drug_id in option.drugs:
            if drug_id not in drugs:
                problems.append(Problem(owner, f"unknown drug {drug_id!r}"))

    for test in tests.values():
        owner = f"tests_to_consider.{test.id}"
        check_source_refs(owner, test.sources, sources, problems)
        _check_rules(owner, test.when, drugs, classes, problems)
        if test.missing in ("genes", "germline_genes") and not test.genes:
            problems.append(Problem(owner, f"missing: {test.missing} needs `genes`"))

    stopped = regimens_file.stopped_working
    for window in stopped.adjuvant_windows if stopped else []:
        owner = "regimens.stopped_working.adjuvant_windows"
        check_source_refs(owner, window.sources, sources, problems)
        for class_id in window.classes:
            if class_id not in classes:
                problems.append(Problem(owner, f"names unknown class {class_id!r}"))
        if not (window.classes or window.families):
            problems.append(Problem(owner, "a window names no class or family"))
    if stopped is not None:
        for refs in (stopped.endocrine_resistance_sources, stopped.visceral_crisis_sources):
            check_source_refs("regimens.stopped_working", refs, sources, problems)
    chemo_menopause = regimens_file.menopause_after_chemotherapy
    if chemo_menopause is not None:
        check_source_refs(
            "regimens.menopause_after_chemotherapy", chemo_menopause.sources, sources, problems
        )
    return OptionsKnowledge(
        groups=groups,
        group_order=order,
        stopped_working=stopped,
        menopause_after_chemotherapy=chemo_menopause,
        regimens=regimens,
        non_drug=non_drug,
        tests=tests,
    )
