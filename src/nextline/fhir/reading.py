"""Read FHIR input: one JSON Bundle (or one resource), or NDJSON from a bulk export.

Size is checked before anything is read. A JSON Bundle is parsed whole, so it has a limit:
`MAX_BUNDLE_BYTES` (50 MB). Why 50 MB: one person's whole-life FHIR export is typically
1-20 MB (Synthea's largest single-patient bundles are about 10 MB), while parsing JSON costs
about 5-10 times its size in memory and then each resource is validated; beyond 50 MB the
file is almost certainly a population export, which FHIR Bulk Data writes as NDJSON.
NDJSON is read one line at a time, so it has no total limit, only a per-line one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nextline.errors import InputTooLarge, Problem, RecordInvalid

MAX_BUNDLE_BYTES = 50_000_000
MAX_NDJSON_LINE_BYTES = 10_000_000  # one resource; a 10 MB Observation is not a real one
# FHIR resources nest a dozen levels (Bundle > entry > resource > component > code > coding);
# 64 leaves room for any real one and refuses input built to exhaust the stack.
MAX_DEPTH = 64
_SNIFF_BYTES = 65_536


@dataclass(frozen=True)
class RawEntry:
    """One resource as read, before validation: where it was (`entry[3]`, `line 4`) and what."""

    where: str
    resource: Any
    full_url: str | None = None
    problem: str | None = None  # set when the entry could not even be read as JSON
    # Set when a line was passed over unread because the caller's filter said it cannot be
    # about the person being imported (the fast path through a large bulk export).
    filtered: bool = False


# A quick test on one raw NDJSON line: False means "cannot be about this person, do not parse".
LineFilter = Callable[[bytes], bool]
_Reader = Callable[[LineFilter | None], Iterator[RawEntry]]


@dataclass(frozen=True)
class FhirInput:
    """The resources of one input. `read` can be called again (an import makes two passes:
    the people first, then their facts), and NDJSON is read lazily, line by line, each time.
    `read_patients` yields at least every Patient (cheaply: a folder reads only its Patient
    files)."""

    source: str
    kind: str  # "bundle" | "resource" | "ndjson" | "folder"
    bundle_id: str | None
    bundle_type: str | None
    read: _Reader
    read_patients: Callable[[], Iterator[RawEntry]]

    @property
    def entries(self) -> Iterator[RawEntry]:
        """Every entry, read once."""
        return self.read(None)


class BundleTooLarge(InputTooLarge):
    """A JSON Bundle over `MAX_BUNDLE_BYTES`; refused before it is read."""

    def __init__(self, size: int, limit: int, source: str = "") -> None:
        super().__init__(size, limit, source)
        head = f"{source}: " if source else ""
        self.args = (
            f"{head}this FHIR bundle is {size / 1_000_000:.1f} MB, over the "
            f"{limit / 1_000_000:.0f} MB limit for one JSON bundle; nothing was read or stored. "
            "Export it as NDJSON (FHIR Bulk Data, one resource per line), which is read line "
            "by line with no total limit.",
        )


def sniff(path: Path) -> str | None:
    """ "bundle", "resource", "ndjson" or "folder" when the file looks like FHIR, else None.

    Reads only the first 64 KB, so a huge file is recognised before the size check refuses it.
    A folder is taken for a bulk export ("folder"); `read_fhir` says so if it holds no NDJSON."""
    if path.is_dir():
        return "folder"
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return None
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    if not text.startswith("{") or '"resourceType"' not in text:
        return None
    first_line = text.split("\n", 1)[0]
    if path.suffix.lower() == ".ndjson" or ("\n" in text.strip() and _is_json_object(first_line)):
        return "ndjson"
    compact = text.replace(" ", "").replace("\n", "").replace("\t", "").replace("\r", "")
    return "bundle" if '"resourceType":"Bundle"' in compact else "resource"


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(loads(line), dict)
    except ValueError:
        return False


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:20]} is too large")
    return value


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """One JSON object; a key written twice is refused (JSON readers keep the last one, so
    the first value would be lost without a word)."""
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"key {key!r} appears twice in one object; keep one")
            seen.add(key)
    return data


def loads(text: str | bytes) -> Any:
    """JSON as FHIR allows it: `ValueError` (with a plain reason) for malformed JSON, NaN or
    Infinity, a number too large to hold, or nesting deeper than `MAX_DEPTH`."""
    try:
        data = json.loads(
            text, parse_constant=_no_constant, parse_float=_finite, object_pairs_hook=_unique
        )
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    except RecursionError as exc:
        raise ValueError(f"nested more than {MAX_DEPTH} levels deep") from exc
    except ValueError as exc:  # NaN, Infinity, a huge number
        raise ValueError(str(exc).split("(")[0].strip() or "not valid JSON") from exc
    if _depth_over(data, MAX_DEPTH):
        raise ValueError(f"nested more than {MAX_DEPTH} levels deep")
    return data


def _depth_over(data: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node if isinstance(v, (dict, list)))
    return False


def read_fhir(path: Path) -> FhirInput:
    """Open a FHIR file; `RecordInvalid` if it is not FHIR, `BundleTooLarge` if too big."""
    source = str(path)
    if path.is_dir():
        return _folder(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RecordInvalid([Problem("", f"cannot read {path}: {exc.strerror}")], source) from exc
    kind = sniff(path)
    if kind is None:
        raise RecordInvalid(
            [Problem("", "not a FHIR resource or Bundle: no `resourceType` at the top")], source
        )
    if kind == "ndjson":
        return _ndjson_input(path)
    if size > MAX_BUNDLE_BYTES:
        raise BundleTooLarge(size, MAX_BUNDLE_BYTES, source)
    raw = path.read_bytes()
    try:
        data = loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        from nextline.record.parse import not_utf8_reason

        raise RecordInvalid([Problem("", not_utf8_reason(raw, exc))], source) from exc
    except ValueError as exc:
        cause = exc.__cause__
        extra = isinstance(cause, json.JSONDecodeError) and cause.msg == "Extra data"
        if extra and isinstance(cause, json.JSONDecodeError) and cause.lineno > 1:
            # One JSON object per line after all (its first line was too long to sniff).
            return _ndjson_input(path)
        raise RecordInvalid([Problem("", str(exc))], source) from exc
    return fhir_from_data(data, source)


def fhir_from_data(data: Any, source: str = "") -> FhirInput:
    """Already parsed JSON (a Bundle or one resource) as a `FhirInput`."""
    if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
        raise RecordInvalid(
            [Problem("", "not a FHIR resource or Bundle: no `resourceType` at the top")], source
        )
    if data["resourceType"] != "Bundle":
        one = RawEntry("resource", data)
        return FhirInput(
            source, "resource", None, None, lambda _f: iter([one]), lambda: iter([one])
        )
    entries = data.get("entry", [])
    if not isinstance(entries, list):
        raise RecordInvalid([Problem("entry", "Bundle.entry is not a list")], source)
    bundle_id = data.get("id") if isinstance(data.get("id"), str) else None
    bundle_type = data.get("type") if isinstance(data.get("type"), str) else None
    return FhirInput(
        source,
        "bundle",
        bundle_id,
        bundle_type,
        lambda _f: _bundle_entries(entries),
        lambda: _bundle_entries(entries),
    )


def with_id(resource: dict[str, Any], full_url: str | None) -> dict[str, Any]:
    """The resource with an id: a transaction Bundle may send new resources with none, only
    a `fullUrl` (`urn:uuid:...`). The id is then the fullUrl's last part, so the report can
    name the resource and two resources without ids are never taken for one."""
    if resource.get("id") or not full_url:
        return resource
    tail = re.split(r"[/:]", full_url.rstrip("/"))[-1]
    if not re.fullmatch(r"[A-Za-z0-9\-.]{1,64}", tail):
        return resource
    return {**resource, "id": tail}


def _ndjson_input(path: Path) -> FhirInput:
    return FhirInput(
        str(path),
        "ndjson",
        None,
        None,
        lambda keep: _ndjson_entries(path, keep=keep),
        lambda: _ndjson_entries(path, keep=_may_be_patient),
    )


_PATIENT_TYPE = re.compile(rb'"resourceType"\s*:\s*"Patient"')


def _may_be_patient(line: bytes) -> bool:
    """Whether a raw line may be a Patient (most lines name one in `subject`; only a Patient
    says it is one), so the first pass parses only those."""
    return b'"Patient"' in line and _PATIENT_TYPE.search(line) is not None


def _folder(path: Path) -> FhirInput:
    """A FHIR Bulk Data export: one NDJSON file per resource type (`Patient.ndjson`,
    `Observation.ndjson`, ...). Patients are read first, then the other files by name."""
    files = sorted(
        p
        for p in path.iterdir()
        if p.is_file()
        and p.name.lower().endswith((".ndjson", ".jsonl"))
        and not p.name.startswith(".")
    )
    if not files:
        raise RecordInvalid(
            [
                Problem(
                    "",
                    "this folder has no .ndjson files; a FHIR bulk export folder holds one "
                    "NDJSON file per resource type (Patient.ndjson, Observation.ndjson, ...)",
                )
            ],
            str(path),
        )
    patient_files = [p for p in files if p.name.startswith("Patient")]
    ordered = patient_files + [p for p in files if p not in patient_files]

    def read(keep: LineFilter | None) -> Iterator[RawEntry]:
        for file in ordered:
            yield from _ndjson_entries(file, f"{file.name} ", keep)

    def read_patients() -> Iterator[RawEntry]:
        for file in patient_files or ordered:
            yield from _ndjson_entries(file, f"{file.name} ", _may_be_patient)

    return FhirInput(str(path), "folder", None, None, read, read_patients)


def _bundle_entries(entries: list[Any]) -> Iterator[RawEntry]:
    for i, entry in enumerate(entries):
        where = f"entry[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("resource"), dict):
            yield RawEntry(where, None, problem="the entry has no resource")
            continue
        full_url = entry.get("fullUrl") if isinstance(entry.get("fullUrl"), str) else None
        yield RawEntry(where, entry["resource"], full_url)


def _ndjson_entries(
    path: Path, prefix: str = "", keep: LineFilter | None = None
) -> Iterator[RawEntry]:
    with path.open("rb") as handle:
        number = 0
        while True:
            line = handle.readline(MAX_NDJSON_LINE_BYTES + 1)
            if not line:
                return
            number += 1
            where = f"{prefix}line {number}"
            if len(line) > MAX_NDJSON_LINE_BYTES and not line.endswith(b"\n"):
                while line and not line.endswith(b"\n"):  # skip the rest of the long line
                    line = handle.readline(MAX_NDJSON_LINE_BYTES)
                limit = MAX_NDJSON_LINE_BYTES // 1_000_000
                yield RawEntry(where, None, problem=f"one line is over {limit} MB; skipped")
                continue
            text = line.strip()
            if not text:
                continue
            if keep is not None and not keep(text):
                yield RawEntry(where, None, filtered=True)
                continue
            try:
                resource = loads(text.decode("utf-8-sig"))
            except UnicodeDecodeError:
                yield RawEntry(where, None, problem="not a JSON object: not UTF-8 text")
                continue
            except ValueError as exc:
                yield RawEntry(where, None, problem=f"not a JSON object: {exc}")
                continue
            if not isinstance(resource, dict):
                yield RawEntry(where, None, problem="not a JSON object")
                continue
            yield RawEntry(where, resource)
