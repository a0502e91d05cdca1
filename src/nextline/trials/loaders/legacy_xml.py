"""The legacy ClinicalTrials.gov `<clinical_study>` XML (the format of the TREC 2021-2023
clinical-trials corpora) to `Trial`.

Parsed with the standard library's expat-based ElementTree, which does not fetch external
entities and (expat >= 2.4.1) refuses entity-expansion bombs.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from nextline.errors import Problem
from nextline.trials.loaders._common import (
    age_years,
    check_nct_id,
    check_sizes,
    parse_date,
    phase_codes,
    sex_code,
    status_code,
    study_type_code,
    text_or_none,
)
from nextline.trials.models import Site, Trial


def _text(element: ET.Element | None, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path)
    if found is None:
        return None
    return text_or_none("".join(found.itertext()))


def _textblock(element: ET.Element, path: str) -> str | None:
    """A `<textblock>`: the legacy export indents every line; strip that indent."""
    found = element.find(path)
    if found is None:
        return None
    raw = "".join(found.itertext())
    lines = [line.rstrip() for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(line[cut:] for line in lines).strip() or None


def trial_from_xml_text(text: str, source: str, path: str, problems: list[Problem]) -> Trial | None:
    """One `<clinical_study>` document as a `Trial`."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        problems.append(Problem(path, f"not well-formed XML: {exc}"))
        return None
    return trial_from_xml(root, source, path, problems)


def trial_from_xml(
    root: ET.Element, source: str, path: str, problems: list[Problem]
) -> Trial | None:
    before = len(problems)
    if root.tag != "clinical_study":
        problems.append(Problem(path, f"expected <clinical_study>, found <{root.tag}>"))
        return None
    nct_id = check_nct_id(_text(root, "id_info/nct_id"), f"{path}/id_info/nct_id", problems)
    title = _text(root, "brief_title") or _text(root, "official_title")
    if title is None:
        problems.append(Problem(f"{path}/brief_title", "missing"))
    phase_text = _text(root, "phase")
    sites = []
    for loc in root.findall("location"):
        address = "facility/address"  # the legacy XML gives no coordinates
        sites.append(
            Site(
                facility=_text(loc, "facility/name"),
                city=_text(loc, f"{address}/city"),
                state=_text(loc, f"{address}/state"),
                country=_text(loc, f"{address}/country"),
                postal_code=_text(loc, f"{address}/zip"),
                status=status_code(_text(loc, "status"), f"{path}/location/status", problems),
            )
        )
    if not sites:
        sites = [Site(country=c) for c in _all_text(root, "location_countries/country")]
    enrollment_text = _text(root, "enrollment")
    enrollment = int(enrollment_text) if enrollment_text and enrollment_text.isdigit() else None
    healthy = _text(root, "eligibility/healthy_volunteers")
    trial = Trial(
        nct_id=nct_id,
        title=title or "",
        official_title=_text(root, "official_title"),
        status=status_code(_text(root, "overall_status"), f"{path}/overall_status", problems),
        # "Phase 1/Phase 2" in the legacy XML; "N/A" for studies without phases
        phases=phase_codes(phase_text, f"{path}/phase", problems),
        conditions=_all_text(root, "condition"),
        keywords=_all_text(root, "keyword"),
        interventions=_all_text(root, "intervention/intervention_name"),
        summary=_textblock(root, "brief_summary/textblock"),
        eligibility_text=_textblock(root, "eligibility/criteria/textblock") or "",
        minimum_age_years=age_years(
            _text(root, "eligibility/minimum_age"), f"{path}/eligibility/minimum_age", problems
        ),
        maximum_age_years=age_years(
            _text(root, "eligibility/maximum_age"), f"{path}/eligibility/maximum_age", problems
        ),
        sex=sex_code(_text(root, "eligibility/gender"), f"{path}/eligibility/gender", problems),
        accepts_healthy_volunteers=(
            None if healthy is None else not re.match(r"no\b", healthy.strip(), re.IGNORECASE)
        ),
        sites=sites,
        last_update=parse_date(
            _text(root, "last_update_posted"), f"{path}/last_update_posted", problems
        ),
        start_date=parse_date(_text(root, "start_date"), f"{path}/start_date", problems),
        completion_date=parse_date(
            _text(root, "completion_date"), f"{path}/completion_date", problems
        ),
        source=source,
        study_type=study_type_code(_text(root, "study_type")),
        sponsor=_text(root, "sponsors/lead_sponsor/agency"),
        enrollment=enrollment,
    )
    check_sizes(trial, path, problems)
    return trial if len(problems) == before else None


def _all_text(root: ET.Element, path: str) -> list[str]:
    out = []
    for element in root.findall(path):
        text = text_or_none("".join(element.itertext()))
        if text:
            out.append(text)
    return out
