"""Who is in a FHIR input, and which one to import.

A hospital export holds one person; a registry or bulk export may hold thousands. The people
are found in a first, cheap pass (a bulk-export folder: only its Patient files), keeping only
their ids, so any size of input is handled in little memory. With several people and no
`--patient`, the import stops with the list of the people found and stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nextline.errors import Problem, RecordInvalid
from nextline.fhir._fhirdata import relative
from nextline.fhir.reading import FhirInput, LineFilter, with_id

# How many people the error lists before "and N more".
_LISTED = 20


class MultiplePeople(RecordInvalid):
    """The input holds several people and none was chosen; nothing was imported."""


@dataclass
class People:
    """The Patients of one input: FHIR ids in input order, and any `fullUrl` that names one
    in another form. Kept small (ids only, labels for the first few) so that an export of
    many thousands of people is listed in little memory."""

    ids: list[str] = field(default_factory=list)
    known: set[str] = field(default_factory=set)
    urls: dict[str, str] = field(default_factory=dict)  # a fullUrl -> the id it names
    labels: dict[str, str] = field(default_factory=dict)  # id -> "female, born 1960"
    # An earlier record of a person, merged into another (Patient.link `replaced-by`):
    # the old id -> the id of the record that replaced it. Not a person of its own.
    merged: dict[str, str] = field(default_factory=dict)

    def owner(self, ref: str) -> str | None:
        """The id of the person a reference names, when they are in the input."""
        for prefix in ("Patient/", "urn:uuid:"):
            if ref.startswith(prefix) and ref[len(prefix) :] in self.merged:
                return self.merged[ref[len(prefix) :]]
            if ref.startswith(prefix) and ref[len(prefix) :] in self.known:
                return ref[len(prefix) :]
        return self.urls.get(ref)

    def refs_of(self, person: str) -> set[str]:
        ids = {person, *(old for old, new in self.merged.items() if new == person)}
        return {f"{prefix}{pid}" for pid in ids for prefix in ("Patient/", "urn:uuid:")} | {
            url for url, pid in self.urls.items() if pid in ids
        }

    def line_filter(self, person: str) -> LineFilter:
        """A quick test on a raw NDJSON line: False only when the line cannot be about
        `person` (it names neither them nor a shared Medication), so it need not be parsed."""
        needles = {person.encode("utf-8")} | {
            ref.rsplit("/", 1)[-1].encode("utf-8") for ref in self.refs_of(person)
        }

        def keep(line: bytes) -> bool:
            return any(n in line for n in needles) or b'"Medication"' in line

        return keep


def find_people(source: FhirInput) -> People:
    """The Patients of the input that say who they are (placeholders with no details are
    left out unless there is no one else), in order."""
    people = People()
    placeholder: tuple[str, str | None] | None = None
    waiting: dict[str, tuple[str | None, dict[str, object]]] = {}  # merged: fullUrl, Patient
    for entry in source.read_patients():
        resource = entry.resource
        if not isinstance(resource, dict) or resource.get("resourceType") != "Patient":
            continue
        resource = with_id(resource, entry.full_url)
        pid = resource.get("id")
        if not isinstance(pid, str) or not pid:
            continue
        replaced_by = _replaced_by(resource)
        if replaced_by is not None and replaced_by != pid:
            people.merged[pid] = replaced_by
            waiting[pid] = (entry.full_url, resource)
            continue
        if not any(resource.get(k) for k in ("gender", "birthDate", "name")):
            placeholder = placeholder or (pid, entry.full_url)
            continue
        _add(people, pid, entry.full_url, resource)
    if not people.ids and placeholder is not None:
        _add(people, placeholder[0], placeholder[1], {})
    # A merged record whose replacement is not in the input is a person after all.
    for old in [old for old, new in people.merged.items() if new not in people.known]:
        del people.merged[old]
        _add(people, old, *waiting[old])
    return people


def _replaced_by(resource: dict[str, object]) -> str | None:
    """The id of the Patient that replaced this one (FHIR R4 Patient.link type
    `replaced-by`: this record was merged into that one), or None."""
    links = resource.get("link")
    for link in links if isinstance(links, list) else []:
        other = link.get("other") if isinstance(link, dict) else None
        ref = other.get("reference") if isinstance(other, dict) else None
        if isinstance(link, dict) and link.get("type") == "replaced-by" and isinstance(ref, str):
            return relative(ref).removeprefix("Patient/").removeprefix("urn:uuid:")
    return None


def _add(people: People, pid: str, full_url: str | None, resource: dict[str, object]) -> None:
    for url in (full_url, relative(full_url) if full_url else None):
        if url and url not in (f"Patient/{pid}", f"urn:uuid:{pid}"):
            people.urls[url] = pid
    if pid in people.known:
        return
    people.ids.append(pid)
    people.known.add(pid)
    if len(people.labels) < _LISTED:
        gender = resource.get("gender") if isinstance(resource.get("gender"), str) else None
        birth = resource.get("birthDate")
        born = f"born {birth[:4]}" if isinstance(birth, str) and len(birth) >= 4 else None
        people.labels[pid] = ", ".join(str(x) for x in (gender, born) if x) or "no details"


def choose_person(people: People, wanted: str | None, source: str) -> str | None:
    """The FHIR id of the person to import; `MultiplePeople` when the input holds several
    and `wanted` is None, `RecordInvalid` when `wanted` is not in it."""
    if wanted is not None:
        if wanted in people.known:
            return wanted
        raise RecordInvalid(
            [
                Problem(
                    "--patient",
                    f"no Patient with id {wanted!r} in this input; "
                    + _listing(people, "the people found are")
                    if people.ids
                    else f"no Patient with id {wanted!r}: this input has no Patient",
                )
            ],
            source,
        )
    if len(people.ids) > 1:
        raise MultiplePeople(
            [
                Problem(
                    "--patient",
                    f"this input holds {len(people.ids)} people; choose one with --patient ID. "
                    + _listing(people, "They are")
                    + ". Nothing was stored.",
                )
            ],
            source,
        )
    return people.ids[0] if people.ids else None


def _listing(people: People, lead: str) -> str:
    shown = [f"{pid} ({people.labels.get(pid, 'no details')})" for pid in people.ids[:_LISTED]]
    more = len(people.ids) - len(shown)
    return f"{lead}: " + "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
