"""FHIR import benchmark: resources per second importing a large generated bundle.

Run with `.venv/bin/python bench/bench_fhir.py [N]` (N resources, default 20,000). The bundle
is generated from the public Jenny M example and the trial-matching patient 02: their
Observations, MedicationStatements and Conditions are repeated with shifted ids and dates
under one Patient, written as a JSON Bundle and as NDJSON, and each file is imported through
`read_fhir` + `import_fhir` (validation of every resource with fhir.resources included). It
prints resources per second for both (wall clock, and CPU time of this process, which a busy
machine disturbs less), and the same for exporting the resulting record.

Then the bulk-export figures: a FHIR Bulk Data folder (Patient.ndjson, Condition.ndjson,
Observation.ndjson, MedicationStatement.ndjson; every person with the same 30 resources) is
generated in a temp dir at sizes `NEXTLINE_BENCH_BULK_MB` (default "50,1000": 50 MB and 1 GB),
and one person is imported from each (the folder, then the same resources as one NDJSON
file) in a fresh child process, which reports its peak memory (VmHWM). Constant memory
means the peak does not grow with the input. Skip with `NEXTLINE_BENCH_BULK_MB=`.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
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


_BULK_PEOPLE_PER_MB = 29  # about 35 KB of resources per generated person


def write_bulk(folder: Path, megabytes: int) -> tuple[int, str]:
    """A bulk-export folder of about `megabytes` MB; (people, the id of one in the middle)."""
    patient, templates = _templates()
    by_kind: dict[str, list[str]] = {}
    for template in templates[:30]:
        by_kind.setdefault(template["resourceType"], []).append(json.dumps(template))
    people = max(2, megabytes * _BULK_PEOPLE_PER_MB)
    old_ref = json.dumps({"reference": f"Patient/{patient['id']}"})
    handles = {kind: (folder / f"{kind}.ndjson").open("w") for kind in ["Patient", *by_kind]}
    try:
        for n in range(people):
            pid = f"person-{n:07d}"
            person = {**patient, "id": pid}
            person.pop("text", None)
            handles["Patient"].write(json.dumps(person) + "\n")
            ref = json.dumps({"reference": f"Patient/{pid}"})
            for kind, lines in by_kind.items():
                for i, line in enumerate(lines):
                    text = line.replace(old_ref, ref).replace('"id": "', f'"id": "{pid}-{i}-', 1)
                    handles[kind].write(text + "\n")
    finally:
        for handle in handles.values():
            handle.close()
    return people, f"person-{people // 2:07d}"


def _peak_kb() -> int | None:
    """This process's peak resident memory (Linux VmHWM), which starts afresh at exec;
    ru_maxrss would also count the parent's memory at the fork."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _child(folder: str, person: str) -> None:
    """Run in a fresh process: import one person, print the figures as JSON."""
    import resource

    from nextline.fhir import ImportOptions, import_fhir, read_fhir
    from nextline.knowledge import load_knowledge

    kb = load_knowledge()
    options = ImportOptions(patient=person, menopausal_status="postmenopausal")
    wall, cpu = time.perf_counter(), time.process_time()
    result = import_fhir(read_fhir(Path(folder)), kb, options)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak_kb = _peak_kb() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    figures = {
        "wall": wall,
        "cpu": cpu,
        "peak_mb": peak_kb / 1024,
        "read": result.report.resources_read,
        "mapped": len(result.report.mapped),
        "stored": result.file is not None,
    }
    print(json.dumps(figures))


def bulk() -> None:
    import os
    import subprocess

    sizes = [int(x) for x in os.environ.get("NEXTLINE_BENCH_BULK_MB", "50,1000").split(",") if x]
    for megabytes in sizes:
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            people, person = write_bulk(Path(folder), megabytes)
            size = sum(p.stat().st_size for p in Path(folder).iterdir()) / 1_000_000
            made = time.perf_counter() - start
            for label, target in (("bulk folder", folder), ("one NDJSON file", "")):
                if not target:
                    joined = Path(folder) / "all" / "export.ndjson"
                    joined.parent.mkdir()
                    with joined.open("wb") as out_file:
                        for part in sorted(Path(folder).glob("*.ndjson")):
                            with part.open("rb") as in_file:
                                shutil.copyfileobj(in_file, out_file, 1 << 20)
                    target = str(joined)
                out = subprocess.run(
                    [sys.executable, __file__, "--bulk-child", target, person],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                f = json.loads(out.strip().splitlines()[-1])
                print(
                    f"{label} {size:,.0f} MB, {people:,} people ({made:.0f} s to generate): "
                    f"one person imported in {f['wall']:.1f} s wall, {f['cpu']:.1f} s CPU, "
                    f"{f['read'] / f['wall']:,.0f} lines/s; peak memory {f['peak_mb']:.0f} MB; "
                    f"{f['mapped']} facts mapped, stored: {f['stored']}"
                )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--bulk-child":
        _child(sys.argv[2], sys.argv[3])
    else:
        main()
        bulk()
