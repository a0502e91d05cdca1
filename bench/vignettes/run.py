"""Public vignette suite for the options engine: invented people across subtypes and lines,
each with the options that must be on the table (fits or may fit), the options that must not
(does not fit), and a source for each judgement.

Run with `.venv/bin/python bench/vignettes/run.py` (prints a table; exit code 1 on any
violation). `tests/options/test_vignettes.py` runs the same suite.

Why vignettes: the issue's examples are samples of a class of error. Each vignette is a
person a team might meet; together they pin the guideline reasoning (endocrine resistance,
early relapse after adjuvant drugs, regimens counted, switches for side effects, status
followed, menopause, line limits, visceral crisis, biomarker nuances, new approvals).
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from nextline.knowledge import Knowledge, load_knowledge  # noqa: E402
from nextline.options import OptionsResult, list_options  # noqa: E402
from nextline.options.rules import LATER  # noqa: E402
from nextline.record import PatientRecord, build_record, validate_patient_data  # noqa: E402

VIGNETTES = Path(__file__).resolve().parent / "vignettes.yaml"
DEFAULT_AS_OF = dt.date(2026, 11, 1)


@dataclass
class Row:
    """One vignette's outcome."""

    id: str
    subtype: str | None
    included: int
    include_total: int
    excluded: int
    exclude_total: int
    violations: list[str]


def _tumor(spec: dict[str, Any]) -> dict[str, Any]:
    """A tumor test from a compact spec: er/pr percent, ihc score, and any raw fields."""
    test: dict[str, Any] = {
        "date": spec.get("date", "2025-06-05"),
        "specimen": spec.get("specimen", "liver biopsy"),
    }
    if spec.get("er") is not None:
        test["er"] = {"percent": spec["er"]}
    if spec.get("pr") is not None:
        test["pr"] = {"percent": spec["pr"]}
    if spec.get("ihc") is not None:
        test["her2"] = {"ihc": str(spec["ihc"])}
        if spec.get("ish") is not None:
            test["her2"]["ish"] = spec["ish"]
        if str(spec["ihc"]) == "0":
            test["her2"]["ultralow"] = bool(spec.get("ultralow", False))
    for key in ("test_name", "variants", "not_detected", "pdl1", "msi", "mmr", "tmb_mut_per_mb"):
        if key in spec:
            test[key] = spec[key]
    return test


def person(spec: dict[str, Any], kb: Knowledge, as_of: dt.date) -> PatientRecord:
    """A record built through the real record pipeline from a vignette's `person`."""
    spec = dict(spec)
    patient: dict[str, Any] = {"id": "vignette", "sex": spec.pop("sex", "female")}
    menopausal = spec.pop("menopausal", "postmenopausal" if patient["sex"] == "female" else None)
    if "birth_year" in spec:
        patient["birth_year"] = spec.pop("birth_year")
    if menopausal is not None:
        patient["menopausal_status"] = menopausal
    data: dict[str, Any] = {
        "nextline": 1,
        "patient": patient,
        "diagnosis": {"metastatic_since": str(spec.pop("metastatic_since", "2025-06-01"))},
        "tumor_tests": [_tumor(t) for t in spec.pop("tumor_tests")],
    }
    data.update(spec)  # therapies, assessments, imaging, comorbidities, side_effects, ...
    return build_record(validate_patient_data(data), kb, as_of)


def load_vignettes(path: Path = VIGNETTES) -> list[dict[str, Any]]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    vignettes: list[dict[str, Any]] = loaded["vignettes"]
    return vignettes


def judge(vignette: dict[str, Any], result: OptionsResult, kb: Knowledge) -> Row:
    """Check one vignette's expectations against the engine's result."""
    violations: list[str] = []
    sources: dict[str, str] = vignette.get("sources", {})
    later = vignette.get("for_later", [])
    include = [*vignette.get("must_include", []), *later]
    exclude = vignette.get("must_exclude", [])
    verdicts = {o.id: o.verdict for o in result.options}
    for option_id in [*include, *exclude, *vignette.get("now", [])]:
        source = sources.get(option_id)
        if source is None or source not in kb.sources:
            violations.append(f"{option_id}: no known source for the judgement ({source})")
        if option_id not in verdicts:
            violations.append(f"{option_id}: no such option")
    included = sum(1 for o in include if verdicts.get(o) in ("fits", "may_fit"))
    excluded = sum(1 for o in exclude if verdicts.get(o) == "does_not_fit")
    for option_id in include:
        if verdicts.get(option_id) not in ("fits", "may_fit"):
            violations.append(f"must include {option_id}, got {verdicts.get(option_id)}")
    for option_id in exclude:
        if verdicts.get(option_id) != "does_not_fit":
            violations.append(f"must exclude {option_id}, got {verdicts.get(option_id)}")
    reasons = {o.id: [r.text for r in o.reasons] for o in result.options}
    for option_id in later:
        # on the table, but not now: the treatment running now has not stopped working
        if verdicts.get(option_id) != "may_fit" or not any(
            text.startswith(LATER) for text in reasons.get(option_id, [])
        ):
            violations.append(f"{option_id}: expected may_fit {LATER!r}")
    for option_id in vignette.get("now", []):
        # on the table now, not "for later": the running treatment is found (or said by the
        # care team) to have stopped working, or a visceral crisis calls for a change
        if verdicts.get(option_id) not in ("fits", "may_fit") or any(
            text.startswith(LATER) for text in reasons.get(option_id, [])
        ):
            violations.append(f"{option_id}: expected on the table now, not {LATER!r}")
    cautions = {o.id: {c.id for c in o.cautions} for o in result.options}
    for option_id, caution in vignette.get("cautions", {}).items():
        if caution not in cautions.get(option_id, set()):
            violations.append(f"{option_id}: expected the caution {caution}")
    for option_id, verdict in vignette.get("verdicts", {}).items():
        if verdicts.get(option_id) != verdict:
            violations.append(f"{option_id}: expected {verdict}, got {verdicts.get(option_id)}")
    wanted = vignette.get("endocrine_sensitivity")
    got = result.endocrine_sensitivity.status if result.endocrine_sensitivity else None
    if wanted is not None and got != wanted:
        violations.append(f"endocrine sensitivity: expected {wanted}, got {got}")
    return Row(
        vignette["id"],
        result.subtype,
        included,
        len(include),
        excluded,
        len(exclude),
        violations,
    )


def run(kb: Knowledge, path: Path = VIGNETTES) -> list[Row]:
    rows: list[Row] = []
    for vignette in load_vignettes(path):
        as_of = dt.date.fromisoformat(str(vignette.get("as_of", DEFAULT_AS_OF)))
        record = person(vignette["person"], kb, as_of)
        rows.append(judge(vignette, list_options(record, kb, as_of), kb))
    return rows


def table(rows: list[Row]) -> str:
    lines = [f"{'vignette':<48} {'subtype':<26} {'include':>8} {'exclude':>8}  result"]
    for row in rows:
        lines.append(
            f"{row.id:<48} {row.subtype or '-':<26} "
            f"{row.included:>4}/{row.include_total:<3} {row.excluded:>4}/{row.exclude_total:<3}  "
            + ("ok" if not row.violations else "; ".join(row.violations))
        )
    inc = sum(r.included for r in rows)
    inc_total = sum(r.include_total for r in rows)
    exc_missed = sum(r.exclude_total - r.excluded for r in rows)
    lines.append(
        f"\n{len(rows)} people; must-include {inc}/{inc_total} "
        f"({100 * inc / max(inc_total, 1):.0f} %); must-exclude violations: {exc_missed}; "
        f"vignettes with any violation: {sum(1 for r in rows if r.violations)}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the suite (or the vignette files named on the command line, such as
    `bench/vignettes/s11_unseen.yaml`) and print the table."""
    paths = [Path(p) for p in (sys.argv[1:] if argv is None else argv)] or [VIGNETTES]
    kb = load_knowledge()
    rows = [row for path in paths for row in run(kb, path)]
    print(table(rows))
    return 1 if any(r.violations for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
