"""Who is in a FHIR input, and which one to import.

A hospital export holds one person; a registry or bulk export may hold thousands. The people
are found in a first, cheap pass (a bulk-export folder: only its Patient files), keeping only
their ids, so any size of input is handled in little memory. With several people and no
`--patient`, the import stops with the list of the people found and stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nextline.errors import Problem, RecordInvalid
from nextline.fhir.reading import FhirInput, LineFilter

# How many people the error lists before "and N more".
_LISTED = 20


class MultiplePeople(RecordInvalid):
    """The input holds several people and none was chosen; nothing was imported."""


@dataclass
class People:
    """The Patients of one input: FHIR ids in input order, and every reference to each."""

    ids: list[str] = field(default_factory=list)
    refs: dict[str, set[str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # id -> "female, born 1960"

    @property
    def all_refs(self) -> set[str]:
        return {ref for refs in self.refs.values() for ref in refs}

    def refs_of(self, person: str) -> set[str]:
        return set(self.refs.get(person, set()))

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
    """The Patients of the input that say who they are (placeholders with no details and no
    id are left out), in order."""
    people = People()
    placeholders: list[tuple[str, set[str]]] = []
    for entry in source.read_patients():
        resource = entry.resource
        if not isinstance(resource, dict) or resource.get("resourceType") != "Patient":
            continue
        pid = resource.get("id")
        if not isinstance(pid, str) or not pid:
            continue
        refs = {f"Patient/{pid}", f"urn:uuid:{pid}"}
        if entry.full_url:
            refs.add(entry.full_url)
        if not any(resource.get(k) for k in ("gender", "birthDate", "name")):
            placeholders.append((pid, refs))
            continue
        if pid not in people.refs:
            people.ids.append(pid)
            people.refs[pid] = set()
            gender = resource.get("gender") if isinstance(resource.get("gender"), str) else None
            birth = resource.get("birthDate")
            born = f"born {birth[:4]}" if isinstance(birth, str) and len(birth) >= 4 else None
            people.labels[pid] = ", ".join(x for x in (gender, born) if x) or "no details"
        people.refs[pid] |= refs
    if not people.ids and placeholders:
        pid, refs = placeholders[0]
        people.ids.append(pid)
        people.refs[pid] = refs
        people.labels[pid] = "no details"
    return people


def choose_person(people: People, wanted: str | None, source: str) -> str | None:
    """The FHIR id of the person to import; `MultiplePeople` when the input holds several
    and `wanted` is None, `RecordInvalid` when `wanted` is not in it."""
    if wanted is not None:
        if wanted in people.refs:
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
