"""Mutation fuzzing of the FHIR importer: every input ends in nextline's own clear error
(a `NextlineError`) or in a record, never in another exception.

Seeds are small real bundles (a public mCODE patient and hand-written ones); each example
mutates a few places in one (a value replaced by any JSON value, including huge integers,
NaN, deep nesting and lone surrogates; a key deleted or added; a list unwrapped), writes it
as a JSON Bundle or as NDJSON, sometimes damages the bytes, and imports it.

The short profile runs in the normal test run; `make fuzz` (NEXTLINE_FUZZ=long) runs the long
one (`make fuzz`). No deadline: a slow example is not a failure here, a hang would be noticed
by the run never ending.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from nextline.errors import NextlineError
from nextline.fhir import ImportOptions, import_fhir, read_fhir
from nextline.knowledge import load_knowledge
from nextline.record import build_record
from tests.fuzz.conftest import COUNTS

# `make fuzz` (NEXTLINE_FUZZ=long) gives 10,000 inputs, each allowed 5 seconds; the normal
# run 40, the same every run.
LONG = os.environ.get("NEXTLINE_FUZZ") == "long"
EXAMPLES = 10_000 if LONG else int(os.environ.get("NEXTLINE_FUZZ_FHIR_EXAMPLES", "40"))
DATA = Path(__file__).resolve().parents[1] / "fhir" / "data"
KB = load_knowledge()
SUBJECT = {"reference": "Patient/p1"}
_HAND = {
    "resourceType": "Bundle",
    "type": "collection",
    "entry": [
        {"resource": r}
        for r in [
            {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1960"},
            {
                "resourceType": "Condition",
                "id": "bc",
                "code": {"coding": [{"system": "http://snomed.info/sct", "code": "363346000"}]},
                "bodySite": [
                    {"coding": [{"system": "http://snomed.info/sct", "code": "80248007"}]}
                ],
                "subject": SUBJECT,
                "onsetDateTime": "2015-03-01",
                "stage": [
                    {"summary": {"coding": [{"system": "http://cancerstaging.org", "code": "c3A"}]}}
                ],
            },
            {
                "resourceType": "Condition",
                "id": "lc",
                "code": {"text": "Malignant tumor of lung"},
                "subject": SUBJECT,
                "onsetDateTime": "1984-01-01",
            },
            {
                "resourceType": "Observation",
                "id": "er",
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "16112-5"}]},
                "subject": SUBJECT,
                "focus": [{"reference": "Condition/bc"}],
                "effectiveDateTime": "2015-03-02",
                "valueCodeableConcept": {
                    "coding": [{"system": "http://loinc.org", "code": "LA6576-8"}]
                },
            },
            {
                "resourceType": "MedicationRequest",
                "id": "m1",
                "status": "completed",
                "intent": "order",
                "medicationCodeableConcept": {
                    "coding": [
                        {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "2555"}
                    ]
                },
                "subject": SUBJECT,
                "reasonReference": [{"reference": "Condition/lc"}],
                "authoredOn": "1985-01-01",
            },
            {
                "resourceType": "MedicationStatement",
                "id": "m2",
                "status": "completed",
                "medicationCodeableConcept": {
                    "coding": [
                        {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "84857"}
                    ]
                },
                "subject": SUBJECT,
                "effectivePeriod": {"start": "2016-01-01"},
            },
        ]
    ],
}


def _seeds() -> list[dict[str, Any]]:
    paths = [
        DATA / "mcode-ctm-app-mbc-patients" / "TrialMatching_Patient01.json",
        DATA / "mcode-extraction-framework-fixtures" / "searchsetBundleWithMultipleEntries.json",
    ]
    if EXAMPLES > 100:  # the long profile also mutates the larger public bundles
        paths += [
            DATA / "mcode-ctm-app-mbc-patients" / "TrialMatching_Patient02.json",
            DATA / "mcode-coverage-checker-jenny-m" / "fullBundle.json",
            DATA / "mcode-coverage-checker-jenny-m" / "diseaseBundle.json",
        ]
    return [_HAND, *(json.loads(p.read_text(encoding="utf-8")) for p in paths)]


SEEDS = _seeds()
# Keys the mappers read: adding one with a wrong shape is the likeliest crash.
KEYS = [
    "resourceType",
    "id",
    "subject",
    "code",
    "coding",
    "system",
    "display",
    "text",
    "status",
    "valueCodeableConcept",
    "valueQuantity",
    "valueInteger",
    "valueString",
    "component",
    "effectiveDateTime",
    "effectivePeriod",
    "issued",
    "onsetDateTime",
    "abatementDateTime",
    "bodySite",
    "stage",
    "summary",
    "focus",
    "reasonReference",
    "extension",
    "url",
    "valueString",
    "medicationCodeableConcept",
    "medicationReference",
    "contained",
    "authoredOn",
    "dosageInstruction",
    "timing",
    "repeat",
    "boundsPeriod",
    "start",
    "end",
    "performedDateTime",
    "performedPeriod",
    "gender",
    "birthDate",
    "name",
    "given",
    "family",
    "meta",
    "profile",
    "entry",
    "resource",
    "fullUrl",
    "request",
    "statusReason",
    "reference",
]
_odd_strings = st.sampled_from(
    [
        "",
        " ",
        "2024-02-30",
        "2024",
        "2024-13",
        "1e309",
        "NaN",
        "\ud800",
        "[/bold]",
        "Patient/p1",
        "Condition/lc",
        "Condition/bc",
        "#x",
        "urn:uuid:p1",
        "3C",
        "c4",
        "p2A",
        "IV",
        "x" * 5000,
        "http://loinc.org",
        "http://snomed.info/sct",
        "http://www.nlm.nih.gov/research/umls/rxnorm",
        "LA6576-8",
        "16112-5",
        "21908-9",
        "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-primary-cancer-condition",
    ]
)
_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([10**400, -(10**30), 0, -1])
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | _odd_strings
)
JSON = st.recursive(
    _leaves,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _containers(node: Any, out: list[Any]) -> list[Any]:
    if isinstance(node, (dict, list)):
        out.append(node)
        for child in node.values() if isinstance(node, dict) else node:
            _containers(child, out)
    return out


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    doc = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        nodes = _containers(doc, [])
        node = draw(st.sampled_from(nodes))
        keys = list(node.keys()) if isinstance(node, dict) else list(range(len(node)))
        op = draw(st.sampled_from(["replace", "delete", "add", "unwrap", "wrap"]))
        if op == "add" and isinstance(node, dict):
            node[draw(st.sampled_from(KEYS))] = draw(JSON)
        elif not keys:
            continue
        else:
            key = draw(st.sampled_from(keys))
            if op == "delete":
                del node[key]
            elif op == "unwrap" and isinstance(node[key], list) and node[key]:
                node[key] = node[key][0]
            elif op == "wrap":
                node[key] = [node[key]]
            else:
                node[key] = draw(JSON)
    as_ndjson = draw(st.booleans())
    if as_ndjson and isinstance(doc.get("entry"), list):
        lines = [
            json.dumps(e.get("resource") if isinstance(e, dict) else e, allow_nan=True)
            for e in doc["entry"]
        ]
        data = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
    else:
        data = json.dumps(doc, allow_nan=True).encode("utf-8", "surrogatepass")
    damage = draw(st.sampled_from(["none", "none", "none", "truncate", "nest", "bytes"]))
    if damage == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif damage == "nest":
        depth = draw(st.sampled_from([50, 5000, 100_000]))
        data = data.replace(b'"final"', b"[" * depth + b"1" + b"]" * depth, 1)
    elif damage == "bytes":
        at = draw(st.integers(0, max(0, len(data) - 1)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at + 1 :]
    return data


@settings(
    max_examples=EXAMPLES,
    deadline=5000 if LONG else None,
    derandomize=EXAMPLES <= 100,  # the short profile is the same every run
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=mutated(), patient=st.sampled_from([None, "p1"]))
def test_every_fhir_input_ends_in_a_record_or_a_clear_error(
    data: bytes, patient: str | None, tmp_path_factory: Any
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "input.json"
    path.write_bytes(data)
    options = ImportOptions(patient=patient, undated_tests_on=dt.date(2020, 1, 1))
    try:
        result = import_fhir(read_fhir(path), KB, options)
        if result.file is not None:
            build_record(result.file, KB, dt.date(2025, 1, 1))
        ending = "a record" if result.file is not None else "data that is not a record"
    except NextlineError as exc:
        ending = f"a clear error: {type(exc).__name__}"  # the project's own
    event(ending)
    COUNTS[("fhir", ending)] += 1
