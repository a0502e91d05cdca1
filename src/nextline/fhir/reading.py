"""Read FHIR input: one JSON Bundle (or one resource), or NDJSON from a bulk export.

Size is checked before anything is read. A JSON Bundle is parsed whole, so it has a limit:
`MAX_BUNDLE_BYTES` (50 MB). Why 50 MB: one person's whole-life FHIR export is typically
1-20 MB (Synthea's largest single-patient bundles are about 10 MB), while parsing JSON costs
about 5-10 times its size in memory and then each resource is validated; beyond 50 MB the
file is almost certainly a population export, which FHIR Bulk Data writes as NDJSON.
NDJSON is read one line at a time, so it has no total limit, only a per-line one.

Any of these may come gzipped (`.ndjson.gz`, `.json.gz`, as bulk-export servers and portals
send them): a file that starts with the gzip signature is read through `gzip` (stdlib), the
limits apply to the unpacked text, and a damaged archive is a clear error naming the file,
before anything is stored.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zlib
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
_GZIP_MAGIC = b"\x1f\x8b"
# What a damaged or truncated gzip archive raises while it is read (`gzip.BadGzipFile` is an
# OSError; a cut-off archive ends in EOFError; a corrupt stream in zlib.error).
_GZIP_ERRORS = (OSError, EOFError, zlib.error)


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
    # A `_history` Bundle entry that records a deletion (`request.method` DELETE, no
    # resource): the reference deleted (`Condition/7`) and when (`response.lastModified`).
    deleted: str | None = None
    deleted_at: str | None = None


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
    # A searchset Bundle that is one page of a search result says where the next page is
    # (`link` with relation `next`): the facts on later pages are not in this input.
    next_page: bool = False

    @property
    def entries(self) -> Iterator[RawEntry]:
        """Every entry, read once."""
        return self.read(None)


class BundleTooLarge(InputTooLarge):
    """A JSON Bundle over `MAX_BUNDLE_BYTES`; refused before it is read."""

    def __init__(self, size: int, limit: int, source: str = "", unpacked: bool = False) -> None:
        super().__init__(size, limit, source)
        head = f"{source}: " if source else ""
        amount = "more than" if unpacked else ""
        size_words = f"{amount} {size / 1_000_000:.1f} MB".strip()
        if unpacked:
            size_words += " once unpacked"
        self.args = (
            f"{head}this FHIR bundle is {size_words}, over the "
            f"{limit / 1_000_000:.0f} MB limit for one JSON bundle; nothing was read or stored. "
            "Export it as NDJSON (FHIR Bulk Data, one resource per line), which is read line "
            "by line with no total limit.",
        )


def sniff(path: Path) -> str | None:
    """ "bundle", "resource", "ndjson" or "folder" when the file looks like FHIR, else None.

    Reads only the first 64 KB, so a huge file is recognised before the size check refuses it.
    A folder is taken for a bulk export ("folder"); `read_fhir` says so if it holds no NDJSON.
    A gzip archive is judged by what it holds; one that is damaged or holds no FHIR is
    "gzip", so the import (not the patient-file reader) says what is wrong with it."""
    if path.is_dir():
        return "folder"
    packed = is_gzip(path)
    try:
        with open_input(path) as handle:
            head = handle.read(_SNIFF_BYTES)
    except _GZIP_ERRORS:
        # A damaged archive, or one whose first bytes cannot be unpacked: `read_fhir` says so.
        return "gzip" if packed else None
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    if not text.startswith("{") or '"resourceType"' not in text:
        return "gzip" if packed else None
    first_line = text.split("\n", 1)[0]
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".ndjson") or ("\n" in text.strip() and _is_json_object(first_line)):
        return "ndjson"
    compact = text.replace(" ", "").replace("\n", "").replace("\t", "").replace("\r", "")
    return "bundle" if '"resourceType":"Bundle"' in compact else "resource"


def is_gzip(path: Path) -> bool:
    """Whether a file starts with the gzip signature (the name is not trusted)."""
    try:
        with path.open("rb") as handle:
            return handle.read(2) == _GZIP_MAGIC
    except OSError:
        return False


def open_input(path: Path) -> io.BufferedIOBase:
    """The file's bytes, unpacked on the fly when it is a gzip archive."""
    if is_gzip(path):
        return gzip.open(path, "rb")
    return path.open("rb")


def _damaged(path: Path, exc: BaseException, where: str = "") -> RecordInvalid:
    reason = str(exc).strip() or type(exc).__name__
    at = f" {where}" if where else ""
    return RecordInvalid(
        [
            Problem(
                "",
                f"this gzip archive is damaged or cut short{at} ({reason}); nothing was "
                "stored. Download or copy the file again",
            )
        ],
        str(path),
    )


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
    packed = is_gzip(path)
    if packed:
        _check_archive(path)
    kind = sniff(path)
    if kind is None or kind == "gzip":
        inside = " inside the gzip archive" if packed else ""
        raise RecordInvalid(
            [Problem("", f"not a FHIR resource or Bundle{inside}: no `resourceType` at the top")],
            source,
        )
    if kind == "ndjson":
        return _ndjson_input(path)
    if size > MAX_BUNDLE_BYTES:
        raise BundleTooLarge(size, MAX_BUNDLE_BYTES, source)
    raw = _unpacked(path) if packed else path.read_bytes()
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


def _check_archive(path: Path) -> None:
    """Refuse a gzip archive whose start cannot be unpacked (not gzip after all, or damaged)."""
    try:
        with gzip.open(path, "rb") as handle:
            handle.read(_SNIFF_BYTES)
    except _GZIP_ERRORS as exc:
        raise _damaged(path, exc) from exc


def _unpacked(path: Path) -> bytes:
    """A gzipped Bundle unpacked, refused once it passes `MAX_BUNDLE_BYTES` (a small archive
    may unpack to gigabytes, so the limit is on what is unpacked, read in pieces)."""
    try:
        with gzip.open(path, "rb") as handle:
            data = handle.read(MAX_BUNDLE_BYTES + 1)
    except _GZIP_ERRORS as exc:
        raise _damaged(path, exc) from exc
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleTooLarge(len(data), MAX_BUNDLE_BYTES, str(path), unpacked=True)
    return data


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
    links = data.get("link")
    next_page = isinstance(links, list) and any(
        isinstance(k, dict) and k.get("relation") == "next" for k in links
    )
    return FhirInput(
        source,
        "bundle",
        bundle_id,
        bundle_type,
        lambda _f: _bundle_entries(entries),
        lambda: _bundle_entries(entries),
        next_page,
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
        and p.name.lower().endswith((".ndjson", ".jsonl", ".ndjson.gz", ".jsonl.gz"))
        and not p.name.startswith(".")
    )
    if not files:
        raise RecordInvalid(
            [
                Problem(
                    "",
                    "this folder has no .ndjson files (nor .ndjson.gz); a FHIR bulk export "
                    "folder holds one NDJSON file per resource type (Patient.ndjson, "
                    "Observation.ndjson, ...)",
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


def _bundle_entries(entries: list[Any], prefix: str = "") -> Iterator[RawEntry]:
    """The entries of a Bundle. A Bundle inside an entry (a `batch-response` answers each
    search with a searchset Bundle) gives its own entries; a `_history` entry that records a
    deletion gives a `RawEntry` with `deleted` set."""
    for i, entry in enumerate(entries):
        where = f"{prefix}entry[{i}]"
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType") == "Bundle":
            inner = resource.get("entry")
            yield from _bundle_entries(inner if isinstance(inner, list) else [], where + ".")
            continue
        if not isinstance(entry, dict) or not isinstance(resource, dict):
            request = entry.get("request") if isinstance(entry, dict) else None
            if isinstance(request, dict) and str(request.get("method")).upper() == "DELETE":
                response = entry.get("response")
                when = response.get("lastModified") if isinstance(response, dict) else None
                target = request.get("url")
                yield RawEntry(
                    where,
                    None,
                    deleted=target if isinstance(target, str) else "?",
                    deleted_at=when if isinstance(when, str) else None,
                )
                continue
            yield RawEntry(where, None, problem="the entry has no resource")
            continue
        full_url = entry.get("fullUrl") if isinstance(entry.get("fullUrl"), str) else None
        yield RawEntry(where, resource, full_url)


def _ndjson_entries(
    path: Path, prefix: str = "", keep: LineFilter | None = None
) -> Iterator[RawEntry]:
    if is_gzip(path):
        yield from _gzipped_entries(path, prefix, keep)
        return
    with path.open("rb") as handle:
        yield from _lines(handle, prefix, keep)


def _gzipped_entries(path: Path, prefix: str, keep: LineFilter | None) -> Iterator[RawEntry]:
    """NDJSON in a gzip archive, unpacked as it is read; a damaged archive stops the import
    with the line it was damaged after (both passes read every file before anything is
    stored, so nothing half-read is ever stored)."""
    count = [0]
    try:
        with gzip.open(path, "rb") as handle:
            yield from _lines(handle, prefix, keep, count)
    except _GZIP_ERRORS as exc:
        raise _damaged(path, exc, f"after line {count[0]}") from exc


def _lines(
    handle: io.BufferedIOBase, prefix: str, keep: LineFilter | None, count: list[int] | None = None
) -> Iterator[RawEntry]:
    number = 0
    while True:
        line = handle.readline(MAX_NDJSON_LINE_BYTES + 1)
        if count is not None:
            count[0] = number
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
