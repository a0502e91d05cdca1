"""FHIR import benchmark: resources per second importing a large generated bundle.

Run with `.venv/bin/python bench/bench_fhir.py [N]` (N resources, default 20,000). The bundle
is generated from the public Jenny M example and the trial-matching patient 02: their
Observations, MedicationStatements and Conditions are repeated with shifted ids and dates
under one Patient, written as a JSON Bundle and as NDJSON, and each file is imported through
`read_fhir` + `import_fhir` (validation of every resource with fhir.resources included). It
prints resources per second for both (wall clock, and CPU time of this process, which a busy
machine disturbs less), and the same for exporting the resulting record.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = ROOT / "tests/fhir/data"


def _templates() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    jenny = json.loads((DATA / "mcode-coverage-checker-jenny-m/fullBundle.json").read_text())
    mbc = json.loads((DATA / "mcode-ctm-app-mbc-patients/TrialMatching_Patient02.json").read_text())
    resources = [e["resource"] for e in jenny["entry"]]
    patient = next(r for r in resources if r["resourceType"] == "Patient")
    subject = {"reference": f"Patient/{patient['id']}"}
    templates = []
    for r in resources + [e["resource"] for e in mbc["entry"]]:
        if r["resourceType"] in (
            "Observation",
            "MedicationStatement",
            "MedicationRequest",
            "Condition",
        ):
            r = copy.deepcopy(r)
            r.pop("text", None)
            r["subject"] = subject
            templates.append(r)
    return patient, templates


def _shift(value: Any, days: int) -> Any:
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            day = dt.date.fromisoformat(value[:10]) + dt.timedelta(days=days)
        except ValueError:
            return value
        return day.isoformat() + value[10:]
    if isinstance(value, dict):
        return {k: _shift(v, days) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, days) for v in value]
    return value


def generate(n: int) -> list[dict[str, Any]]:
    patient, templates = _templates()
    out = [patient]
    i = 0
    while len(out) < n:
        template = templates[i % len(templates)]
        resource = _shift(template, (i // len(templates)) % 2000)
        resource["id"] = f"{template['id'][:50]}-{i}"
        out.append(resource)
        i += 1
    return out


def main() -> None:
    from nextline.fhir import ImportOptions, import_fhir, read_fhir
    from nextline.fhir.export import export_bundle
    from nextline.knowledge import load_knowledge

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    kb = load_knowledge()
    resources = generate(n)
    options = ImportOptions(menopausal_status="postmenopausal")
    with tempfile.TemporaryDirectory() as folder:
        bundle_path = Path(folder) / "big.json"
        bundle = {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": r} for r in resources],
        }
        bundle_path.write_text(json.dumps(bundle))
        ndjson_path = Path(folder) / "big.ndjson"
        ndjson_path.write_text("".join(json.dumps(r) + "\n" for r in resources))
        size_mb = bundle_path.stat().st_size / 1_000_000
        print(f"generated {n} resources: bundle {size_mb:.1f} MB")
        import_fhir(read_fhir(DATA / "mcode-coverage-checker-jenny-m/fullBundle.json"), kb, options)
        for label, path in (("JSON bundle", bundle_path), ("NDJSON", ndjson_path)):
            wall, cpu = time.perf_counter(), time.process_time()
            result = import_fhir(read_fhir(path), kb, options)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(
                f"import {label}: {n / wall:,.0f} resources/s wall ({wall:.2f} s), "
                f"{n / cpu:,.0f} resources/s CPU ({cpu:.2f} s); "
                f"{len(result.report.mapped)} facts mapped, "
                f"{len(result.report.not_mapped)} not mapped"
            )
        assert result.file is not None
        wall, cpu = time.perf_counter(), time.process_time()
        exported = export_bundle(result.file, kb)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        count = len(exported["entry"])
        print(
            f"export with validation: {count} resources, {count / wall:,.0f} resources/s wall "
            f"({wall:.2f} s), {count / cpu:,.0f} resources/s CPU ({cpu:.2f} s)"
        )


if __name__ == "__main__":
    main()
