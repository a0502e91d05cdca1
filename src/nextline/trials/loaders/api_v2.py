"""ClinicalTrials.gov API v2 study JSON (`GET /api/v2/studies/{nctId}`, or one element of
`studies` in a `GET /api/v2/studies` page) to `Trial`.

Field names as in the API v2 data structure: `protocolSection.identificationModule.nctId`,
`statusModule.overallStatus`, `statusModule.lastUpdatePostDateStruct.date`,
`designModule.phases`, `conditionsModule.conditions`, `armsInterventionsModule.interventions`,
`eligibilityModule.eligibilityCriteria`, `contactsLocationsModule.locations[].geoPoint`.
"""

from __future__ import annotations

import math
from typing import Any

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
    unescape_markdown,
)
from nextline.trials.models import Site, Trial


def is_api_v2_study(row: dict[str, Any]) -> bool:
    return isinstance(row.get("protocolSection"), dict)


def _module(protocol: dict[str, Any], name: str, path: str, problems: list[Problem]) -> Any:
    value = protocol.get(name, {})
    if not isinstance(value, dict):
        problems.append(Problem(f"{path}.{name}", "expected an object"))
        return {}
    return value


def _date_struct(value: object, path: str, problems: list[Problem]) -> Any:
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.append(Problem(path, "expected an object with a date"))
        return None
    return parse_date(value.get("date"), f"{path}.date", problems)


def _text_list(value: object, path: str, problems: list[Problem]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(Problem(path, "expected a list of text"))
        return []
    return [v.strip() for v in value if v.strip()]


def _float(value: object, path: str, problems: list[Problem]) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(Problem(path, "expected a number"))
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer of hundreds of digits
        number = math.inf
    if not math.isfinite(number):
        problems.append(Problem(path, "expected a finite number"))
        return None
    return number


def _sites(value: object, path: str, problems: list[Problem]) -> list[Site]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(path, "expected a list of locations"))
        return []
    sites = []
    for i, loc in enumerate(value):
        where = f"{path}[{i}]"
        if not isinstance(loc, dict):
            problems.append(Problem(where, "expected an object"))
            continue
        geo = loc.get("geoPoint") or {}
        if not isinstance(geo, dict):
            problems.append(Problem(f"{where}.geoPoint", "expected an object with lat and lon"))
            geo = {}
        lat = _float(geo.get("lat"), f"{where}.geoPoint.lat", problems)
        lon = _float(geo.get("lon"), f"{where}.geoPoint.lon", problems)
        if lat is not None and not -90 <= lat <= 90:
            problems.append(Problem(f"{where}.geoPoint.lat", f"{lat} is outside -90..90"))
        if lon is not None and not -180 <= lon <= 180:
            problems.append(Problem(f"{where}.geoPoint.lon", f"{lon} is outside -180..180"))
        sites.append(
            Site(
                facility=text_or_none(loc.get("facility")),
                city=text_or_none(loc.get("city")),
                state=text_or_none(loc.get("state")),
                country=text_or_none(loc.get("country")),
                postal_code=text_or_none(loc.get("zip")),
                status=text_or_none(loc.get("status")),
                latitude=lat,
                longitude=lon,
            )
        )
    return sites


def _interventions(value: object, path: str, problems: list[Problem]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(path, "expected a list of interventions"))
        return []
    names = []
    for i, item in enumerate(value):
        name = text_or_none(item.get("name")) if isinstance(item, dict) else None
        if name is None:
            problems.append(Problem(f"{path}[{i}].name", "missing"))
        else:
            names.append(name)
    return names


def trial_from_api_v2(
    study: dict[str, Any], source: str, path: str, problems: list[Problem]
) -> Trial | None:
    """One API v2 study as a `Trial`; problems are appended with paths under `path`."""
    before = len(problems)
    protocol = study.get("protocolSection")
    if not isinstance(protocol, dict):
        problems.append(Problem(f"{path}.protocolSection", "missing or not an object"))
        return None
    p = f"{path}.protocolSection"
    ident = _module(protocol, "identificationModule", p, problems)
    status = _module(protocol, "statusModule", p, problems)
    sponsor = _module(protocol, "sponsorCollaboratorsModule", p, problems)
    description = _module(protocol, "descriptionModule", p, problems)
    conditions = _module(protocol, "conditionsModule", p, problems)
    design = _module(protocol, "designModule", p, problems)
    arms = _module(protocol, "armsInterventionsModule", p, problems)
    eligibility = _module(protocol, "eligibilityModule", p, problems)
    locations = _module(protocol, "contactsLocationsModule", p, problems)

    nct_id = check_nct_id(ident.get("nctId"), f"{p}.identificationModule.nctId", problems)
    title = text_or_none(ident.get("briefTitle")) or text_or_none(ident.get("officialTitle"))
    if title is None:
        problems.append(Problem(f"{p}.identificationModule.briefTitle", "missing"))
    lead = sponsor.get("leadSponsor")
    enrollment_info = design.get("enrollmentInfo")
    enrollment = enrollment_info.get("count") if isinstance(enrollment_info, dict) else None
    if enrollment is not None and (not isinstance(enrollment, int) or isinstance(enrollment, bool)):
        problems.append(Problem(f"{p}.designModule.enrollmentInfo.count", "expected a number"))
        enrollment = None
    healthy = eligibility.get("healthyVolunteers")
    e = f"{p}.eligibilityModule"
    trial = Trial(
        nct_id=nct_id,
        title=title or "",
        official_title=text_or_none(ident.get("officialTitle")),
        status=status_code(
            status.get("overallStatus"), f"{p}.statusModule.overallStatus", problems
        ),
        phases=phase_codes(
            _text_list(design.get("phases"), f"{p}.designModule.phases", problems),
            f"{p}.designModule.phases",
            problems,
        ),
        conditions=_text_list(
            conditions.get("conditions"), f"{p}.conditionsModule.conditions", problems
        ),
        keywords=_text_list(conditions.get("keywords"), f"{p}.conditionsModule.keywords", problems),
        interventions=_interventions(
            arms.get("interventions"), f"{p}.armsInterventionsModule.interventions", problems
        ),
        summary=_markdown_or_none(description.get("briefSummary")),
        eligibility_text=unescape_markdown(
            text_or_none(eligibility.get("eligibilityCriteria")) or ""
        ),
        minimum_age_years=age_years(eligibility.get("minimumAge"), f"{e}.minimumAge", problems),
        maximum_age_years=age_years(eligibility.get("maximumAge"), f"{e}.maximumAge", problems),
        sex=sex_code(eligibility.get("sex"), f"{e}.sex", problems),
        accepts_healthy_volunteers=healthy if isinstance(healthy, bool) else None,
        sites=_sites(
            locations.get("locations"), f"{p}.contactsLocationsModule.locations", problems
        ),
        last_update=_date_struct(
            status.get("lastUpdatePostDateStruct"),
            f"{p}.statusModule.lastUpdatePostDateStruct",
            problems,
        ),
        start_date=_date_struct(
            status.get("startDateStruct"), f"{p}.statusModule.startDateStruct", problems
        ),
        completion_date=_date_struct(
            status.get("completionDateStruct"), f"{p}.statusModule.completionDateStruct", problems
        ),
        source=source,
        study_type=study_type_code(text_or_none(design.get("studyType"))),
        sponsor=text_or_none(lead.get("name")) if isinstance(lead, dict) else None,
        enrollment=enrollment,
    )
    check_sizes(trial, path, problems)
    return trial if len(problems) == before else None


def _markdown_or_none(value: object) -> str | None:
    text = text_or_none(value)
    return unescape_markdown(text) if text else None
