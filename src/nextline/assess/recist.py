"""RECIST 1.1 response for each line of metastatic therapy, read from the record's scans.

Pure: a function of the record's scans, its lines, the knowledge base's RECIST numbers and
the as-of date. Every number compared against comes from `assess_thresholds.yaml` with its
source (Eisenhauer et al., Eur J Cancer 2009). What nextline adds, stated so it can be
questioned: scans less than 15 days apart are one assessment (the patient format); the best
overall response is unconfirmed (no second scan is required) and applies no minimum interval
for stable disease, since those are set by each trial's protocol.

Two readings a record can hold that RECIST 1.1 does not allow are read its way, with a
warning or a note: "unequivocal progression" on a target lesion (that judgement is for
non-targets; a target is judged by the sum of diameters), and a new lesion seen only on a
bone scan (possible progression that needs confirming by other imaging, not progression yet).
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from collections.abc import Sequence
from typing import NamedTuple, cast

from nextline.assess._cache import once_per
from nextline.assess._format import g, signed_g
from nextline.assess.recist_results import LineResponse, NonTarget, Response, Timepoint
from nextline.knowledge.assess_schema import RecistRules
from nextline.record.file_models import Lesion, Scan
from nextline.record.record import Line
from nextline.record.scan_readings import ScanReading, SeenLesion, read_scans

# A record's scans, or their readings in date order (`PatientRecord.scan_readings`)
Scans = Sequence[Scan] | Sequence[ScanReading]

__all__ = ["LineResponse", "NonTarget", "Response", "Timepoint"]  # kept importable from here


# Scans less than this many days apart are read as one assessment (patient format, imaging).
SAME_ASSESSMENT_DAYS = 15
_EPS = 1e-9  # measurements are decimals; keep "exactly +20 %" on the PD side of the line

# Rule ids, stable: each names the RECIST 1.1 rule that fired (and, through `RULE_SOURCES`,
# the knowledge fields whose sources say it).
PD_TARGET_SUM = "recist_pd_target_sum"
PD_NEW_LESION = "recist_pd_new_lesion"
PD_NON_TARGET = "recist_pd_non_target"
NEW_ON_BONE_SCAN_ONLY = "recist_new_lesion_bone_scan_needs_confirming"
CR = "recist_cr"
PR = "recist_pr"
PR_NON_TARGET_REMAINS = "recist_pr_targets_gone_non_targets_remain"
SD = "recist_sd"
NE_TARGET = "recist_ne_target_not_evaluated"
NE_NON_TARGET = "recist_ne_non_target_not_evaluated"
NON_CR_NON_PD = "recist_non_cr_non_pd"
CR_NON_TARGET = "recist_cr_non_target"

RULE_SOURCES: dict[str, tuple[str, ...]] = {
    PD_TARGET_SUM: ("pd_increase_pct", "pd_min_absolute_mm"),
    PD_NEW_LESION: ("new_lesion_is_pd",),
    PD_NON_TARGET: ("non_target_pd",),
    NEW_ON_BONE_SCAN_ONLY: ("new_lesion_bone_scan",),
    CR: ("complete_response", "node_normal_below_mm"),
    PR: ("pr_decrease_pct",),
    PR_NON_TARGET_REMAINS: ("overall_response_table",),
    SD: ("pr_decrease_pct", "pd_increase_pct"),
    NE_TARGET: ("not_evaluated",),
    NE_NON_TARGET: ("not_evaluated", "overall_response_table"),
    NON_CR_NON_PD: ("overall_response_table",),
    CR_NON_TARGET: ("overall_response_table",),
}

_RANK: dict[str, int] = {"CR": 5, "PR": 4, "SD": 3, "non_CR_non_PD": 3, "PD": 1, "NE": 0}


Sizes = list[float]


def lesion_path(seen: SeenLesion) -> str:
    """The record path of a lesion reading, `imaging[i].lesions[j]`."""
    key = (seen[1], seen[2])
    path = _LESION_PATHS.get(key)
    if path is None:
        path = f"imaging[{seen[1]}].lesions[{seen[2]}]"
        if len(_LESION_PATHS) < _MAX_PATHS:
            _LESION_PATHS[key] = path
    return path


def scan_path(index: int) -> str:
    """The record path of a scan, `imaging[i]`."""
    path = _SCAN_PATHS.get(index)
    if path is None:
        path = f"imaging[{index}]"
        if len(_SCAN_PATHS) < _MAX_PATHS:
            _SCAN_PATHS[index] = path
    return path


# Paths are pure functions of two small numbers and every record has the same few hundred:
# each is formatted once per process (a few kilobytes), not once per reading per line.
_MAX_PATHS = 20_000
_LESION_PATHS: dict[tuple[int, int], str] = {}
_SCAN_PATHS: dict[int, str] = {}


class Assessment(NamedTuple):
    """Scans read together (less than 15 days apart), dated by the latest scan. What every
    line needs from all of its lesions is read once here, in the one pass over them: each
    lesion's size, the lesions marked new, those marked as clearly grown, and those read on
    bone scans only."""

    date: dt.date
    scan_paths: tuple[str, ...]
    lesions: dict[str, SeenLesion]
    marked_baseline: bool
    new_ids: tuple[str, ...]
    progressed: tuple[tuple[str, str, str], ...]  # (id, role, path) of "unequivocal_progression"
    too_small_mm: float  # the size a lesion too small to measure counts as
    # each lesion's size in mm (nodes by short axis), None when it cannot be read (`_size`)
    sizes: dict[str, float | None]
    # ids of lesions read on bone scans only in this assessment (a new one needs confirming)
    bone_scan_only: frozenset[str] = frozenset()

    def size(self, lesion_id: str) -> float | None:
        """A lesion's size on this assessment (nodes by short axis); None when not read."""
        return self.sizes.get(lesion_id)


# `Assessment(...)` runs the named tuple's Python-level `__new__`; `tuple.__new__` with the
# fields in order builds the same tuple for half the cost (one per assessment per record).
def _assessment(fields: tuple[object, ...]) -> Assessment:
    made: Assessment = tuple.__new__(Assessment, fields)
    return made


def group_assessments(scans: Scans, as_of: dt.date, too_small_mm: float) -> list[Assessment]:
    """Group scans on or before `as_of` into assessments: a scan less than 15 days after the
    first scan of the open group joins it, unless the two carry different `assessment`
    labels. Within an assessment a lesion's latest reading wins; a lesion too small to
    measure will count as `too_small_mm` (RECIST 1.1 §4.3.2).

    `scans` are the record's scans, or their readings in date order as the record keeps
    them (`PatientRecord.scan_readings`, read once when the record was built)."""
    readings = (
        cast(Sequence[ScanReading], scans)
        if scans and isinstance(scans[0], ScanReading)
        else read_scans(cast(Sequence[Scan], scans))
    )
    groups: list[list[ScanReading]] = []
    # the open group, the date of its first scan and its label (the first one given)
    members: list[ScanReading] = []
    first_day = dt.date.min
    label: str | None = None
    for reading in readings:
        day = reading[0]  # date
        if day > as_of:
            break  # in date order: the rest are later too
        named = reading[3]  # label
        if (
            members
            and (day - first_day).days < SAME_ASSESSMENT_DAYS
            and (named is None or label is None or named == label)
        ):
            members.append(reading)
            if label is None:
                label = named
            continue
        members = [reading]
        groups.append(members)
        first_day = day
        label = named
    out = []
    for members in groups:
        if len(members) == 1 and members[0].unique:
            # Most assessments are one scan, read when the record was built: only the size
            # of a lesion too small to measure is the rules' to give (rare).
            one = members[0]
            sizes = one.sizes
            if one.too_small:
                sizes = {**sizes, **dict.fromkeys(one.too_small, too_small_mm)}
            out.append(
                tuple.__new__(  # `_assessment`, inlined (one per scan of every record)
                    Assessment,
                    (
                        one.date,
                        (one.path,),
                        one.lesions,
                        one.marked_baseline,
                        one.new_ids,
                        one.progressed,
                        too_small_mm,
                        sizes,
                        one.bone_ids,
                    ),
                )
            )
            continue
        # Several scans (or an id repeated in one, which records never have): a lesion's
        # latest reading wins, so roles and statuses are read once every reading is in.
        lesions: dict[str, SeenLesion] = {}
        for one in members:
            lesions.update(one.lesions)
        # read on a bone scan and on no other imaging of this assessment
        on_bone = {i for one in members if one.bone_scan for i in one.lesions}
        other = {i for one in members if not one.bone_scan for i in one.lesions}
        out.append(
            _assessment(
                (
                    members[-1].date,
                    tuple([one.path for one in members]),
                    lesions,
                    any(one.marked_baseline for one in members),
                    tuple([i for i, seen in lesions.items() if seen[0].role == "new"]),
                    tuple(
                        [
                            (i, seen[0].role, lesion_path(seen))
                            for i, seen in lesions.items()
                            if seen[0].status == "unequivocal_progression"
                        ]
                    ),
                    too_small_mm,
                    {i: _size(seen[0], too_small_mm) for i, seen in lesions.items()},
                    frozenset(on_bone - other),
                )
            )
        )
    return out


def _size(lesion: Lesion, too_small_mm: float) -> float | None:
    """A target's size in mm (nodes by short axis); None when it cannot be read."""
    if lesion.not_evaluated:
        return None
    if lesion.too_small_to_measure:
        return too_small_mm  # RECIST 1.1 §4.3.2: default 5 mm
    size = lesion.short_axis_mm if lesion.node else lesion.longest_mm
    if size is not None:
        return size
    if lesion.status == "absent":
        return 0.0
    return None


class GroupedScans(NamedTuple):
    """A record's assessments with what every line looks up in them, worked out once per
    record rather than once per line: their dates (in order, for bisecting) and the ones
    holding a scan marked `baseline: true`, and those holding a lesion marked new (a line
    reads the ones before its baseline; most assessments hold none)."""

    assessments: list[Assessment]
    dates: list[dt.date]  # non-decreasing: groups are built from date-sorted scans
    marked: list[Assessment]
    with_new: list[Assessment]

    @classmethod
    def of(cls, assessments: list[Assessment]) -> GroupedScans:
        return cls(
            assessments,
            [a.date for a in assessments],
            [a for a in assessments if a.marked_baseline],
            [a for a in assessments if a.new_ids],
        )


def _baseline(
    line: Line,
    scans: GroupedScans,
    previous_start: dt.date | None,
    end: dt.date,
    next_start: dt.date | None = None,
) -> Assessment | None:
    """The scan marked `baseline: true` nearest the line's start (after the previous line
    began, before this one ended), else the last assessment on or before the start.

    A marked scan is the baseline of the line whose start it is nearest, and on a tie of the
    later line (a baseline comes before its line): a restaging scan on the day one line
    stops is the next line's, not the stopped one's, and a scan marked a week into the first
    line is not the second line's."""
    marked = (
        [
            a
            for a in scans.marked
            if (previous_start is None or a.date > previous_start)
            and a.date <= end
            and _nearest_start(a.date, line.start, previous_start, next_start)
        ]
        if scans.marked  # most records mark no scan: no list to build
        else None
    )
    if marked:
        return min(marked, key=lambda a: (abs((a.date - line.start).days), a.date))
    before = bisect_right(scans.dates, line.start)  # assessments on or before the start
    return scans.assessments[before - 1] if before else None


def _nearest_start(
    day: dt.date, start: dt.date, previous_start: dt.date | None, next_start: dt.date | None
) -> bool:
    """Whether `day` is nearer `start` than the previous and the next line's starts (a tie
    with the previous line's start goes to this line, with the next line's to the next)."""
    here = abs((day - start).days)
    if previous_start is not None and abs((day - previous_start).days) < here:
        return False
    return next_start is None or here < abs((day - next_start).days)


def _target_warnings(targets: dict[str, SeenLesion], numbers: _Numbers) -> list[str]:
    """RECIST 1.1 §3.1 and §4.2 target rules; breaking one is a warning, never a failure."""
    warnings = []
    if len(targets) > numbers.max_targets:
        warnings.append(
            f"{len(targets)} target lesions at baseline; RECIST 1.1 allows at most "
            f"{numbers.max_targets:g}"
        )
    per_organ: dict[str, list[str]] = {}
    min_node_mm = numbers.min_node_mm
    min_mm = numbers.min_mm
    for lesion_id, seen in targets.items():
        lesion = seen[0].__dict__  # the fields, read fast (see `group_assessments`)
        node = lesion["node"]
        organ = "lymph nodes" if node else (lesion["organ"] or "unknown organ").lower()
        per_organ.setdefault(organ, []).append(lesion_id)
        if lesion["too_small_to_measure"]:
            warnings.append(f"{lesion_path(seen)}: a target too small to measure at baseline")
        elif node:
            size = lesion["short_axis_mm"]
            if size is not None and size < min_node_mm:
                warnings.append(
                    f"{lesion_path(seen)}: node {lesion_id} is {size:g} mm short axis; a target "
                    f"node needs at least {min_node_mm:g} mm"
                )
        else:
            size = lesion["longest_mm"]
            if size is not None and size < min_mm:
                warnings.append(
                    f"{lesion_path(seen)}: lesion {lesion_id} is {size:g} mm; a target needs at "
                    f"least {min_mm:g} mm"
                )
        if organ == "bone":
            warnings.append(
                f"{lesion_path(seen)}: a bone lesion as a target; RECIST 1.1 counts bone lesions "
                f"as measurable only when they have a soft-tissue part of at least {min_mm:g} mm"
            )
    # every organ holding one target cannot be over a limit of one or more: skip the walk
    if len(per_organ) < len(targets) or numbers.max_per_organ < 1:
        for organ, ids in per_organ.items():
            if len(ids) > numbers.max_per_organ:
                warnings.append(
                    f"{len(ids)} targets in {organ} ({', '.join(ids)}); RECIST 1.1 allows at "
                    f"most {numbers.max_per_organ:g} per organ"
                )
    return warnings


def _non_target_response(
    seen_now: dict[str, SeenLesion], non_targets: list[str], progressed: list[str]
) -> tuple[NonTarget | None, list[str]]:
    """Non-target response (RECIST 1.1 §4.3.3) and the paths it rests on; `progressed` are
    the paths of known lesions marked as clearly grown on this assessment."""
    if progressed:
        return "PD", progressed
    if not non_targets:
        return None, []
    paths = []
    missing = absent = 0
    for lesion_id in non_targets:
        seen = seen_now.get(lesion_id)
        if seen is None or seen[0].not_evaluated:
            missing += 1
            continue
        paths.append(f"imaging[{seen[1]}].lesions[{seen[2]}]")  # lesion_path, inlined
        if seen[0].status == "absent":
            absent += 1
    if missing:
        return "NE", paths
    if absent == len(non_targets):
        return "CR", paths
    return "non_CR_non_PD", paths


def _overall(
    target: Response | None, non_target: NonTarget | None, new: bool, target_rule: str | None
) -> tuple[Response, tuple[str, ...]]:
    """RECIST 1.1 §4.4.1 Table 1 (targets) or Table 2 (non-targets only)."""
    pd_rules = []
    if target == "PD":
        pd_rules.append(PD_TARGET_SUM)
    if new:
        pd_rules.append(PD_NEW_LESION)
    if non_target == "PD":
        pd_rules.append(PD_NON_TARGET)
    if pd_rules:
        return "PD", tuple(pd_rules)
    if target is None:  # Table 2: non-target disease only
        if non_target == "CR":
            return "CR", (CR_NON_TARGET,)
        if non_target == "non_CR_non_PD":
            return "non_CR_non_PD", (NON_CR_NON_PD,)
        return "NE", (NE_NON_TARGET,)
    if target == "CR":
        if non_target in (None, "CR"):
            return "CR", (CR,)
        return "PR", (PR_NON_TARGET_REMAINS,)
    if target == "NE":
        return "NE", (NE_TARGET,)
    return target, (target_rule or SD,)


def best_overall(timepoints: Sequence[Timepoint]) -> Response | None:
    """The best response recorded up to and including the first progression (§4.4.3),
    unconfirmed. None when there is no follow-up yet."""
    best: Response | None = None
    for point in timepoints:
        if best is None or _RANK[point.overall] > _RANK[best]:
            best = point.overall
        if point.overall == "PD":
            break
    return best


_WORDS: dict[str, str] = {
    "CR": "No measurable cancer left on this scan",
    "PR": "Shrinking by at least 30 %",
    "SD": "Stable: neither enough shrinking nor enough growth to count",
    "non_CR_non_PD": "Known spots are still there and not clearly growing",
    "NE": "Not enough of the scan could be read to tell",
}


def _describe(
    overall: Response,
    point_sum: float | None,
    base: float | None,
    nadir: float | None,
    change_base: float | None,
    change_nadir: float | None,
    target_pd: bool,
    new: bool,
    non_target_pd: bool,
    unconfirmed: bool = False,
) -> str:
    """Plain words for a timepoint first, the RECIST term beside."""
    if overall == "PD":
        reasons = []
        if target_pd and nadir is not None and change_nadir is not None:
            reasons.append(
                f"{signed_g(change_nadir)} % over the smallest total so far ({g(nadir)} mm, "
                "the nadir)"
            )
        if new:
            reasons.append("a new spot of cancer was seen")
        if non_target_pd:
            reasons.append("other known spots clearly grew")
        words = "Growth: " + "; ".join(reasons) if reasons else "Growth"
    else:
        words = _WORDS[overall]
    if point_sum is not None and base is not None and change_base is not None:
        words += (
            f" — the measured tumors add up to {g(point_sum)} mm ({signed_g(change_base)} % "
            f"from {g(base)} mm before this treatment)"
        )
    label = "non-CR/non-PD" if overall == "non_CR_non_PD" else overall
    text = f"{words} (RECIST {label})."
    if unconfirmed:
        text += (
            " A new spot was seen on a bone scan only. It may be growth, but it needs to be "
            "checked with another kind of scan (such as CT, MRI or an X-ray) before it counts "
            "(RECIST 1.1)."
        )
    return text


# " (RECIST <label>)." after the words of each response
_LABELS: dict[str, str] = {
    overall: f" (RECIST {'non-CR/non-PD' if overall == 'non_CR_non_PD' else overall})."
    for overall in ("CR", "PR", "SD", "PD", "NE", "non_CR_non_PD")
}


def _overall_table() -> dict[tuple[str | None, str | None, bool], tuple[Response, tuple[str, ...]]]:
    """`_overall` for every combination it can be asked (the target's rule follows from the
    target: PR's for PR, SD's for SD), worked out once at import: one look-up per timepoint."""
    table = {}
    for target in (None, "CR", "PR", "SD", "PD", "NE"):
        for non_target in (None, "CR", "non_CR_non_PD", "PD", "NE"):
            for new in (False, True):
                rule = {"PR": PR, "SD": SD}.get(target or "")
                table[target, non_target, new] = _overall(
                    target,
                    non_target,
                    new,
                    rule,
                )
    return table


_OVERALL = _overall_table()


def assess_line(
    line: Line,
    assessments: list[Assessment] | GroupedScans,
    rules: RecistRules,
    as_of: dt.date,
    previous_start: dt.date | None = None,
    next_start: dt.date | None = None,
) -> LineResponse:
    """RECIST 1.1 for one line from the assessments (already grouped, on or before as_of);
    `previous_start` and `next_start` are the starts of the lines before and after it
    (started on or before as_of), which bound the scans marked as its baseline."""
    scans = assessments if isinstance(assessments, GroupedScans) else GroupedScans.of(assessments)
    end = min(line.stop, as_of) if line.stop else as_of
    base = _baseline(line, scans, previous_start, end, next_start)
    if base is None:
        return LineResponse(
            line=line.number,
            baseline_date=None,
            baseline_sum_mm=None,
            baseline_paths=(),
            targets=(),
            non_targets=(),
            measurable=False,
            timepoints=(),
            best_overall=None,
            warnings=(
                f"line {line.number}: no scan on or before its start ({line.start}); its "
                "response cannot be measured by RECIST",
            ),
        )
    targets: dict[str, SeenLesion] = {}
    non_targets: dict[str, SeenLesion] = {}
    for lesion_id, seen in base.lesions.items():
        if seen[0].role == "target":
            targets[lesion_id] = seen
        else:  # non_target, and `new` at the baseline itself
            non_targets[lesion_id] = seen
    # a lesion new before the baseline is a baseline non-target
    for earlier in scans.with_new:
        if earlier.date >= base.date:
            break  # in date order: the rest are on or after the baseline
        for lesion_id in earlier.new_ids:
            if lesion_id not in targets:
                non_targets.setdefault(lesion_id, earlier.lesions[lesion_id])
    numbers = _numbers(rules)
    warnings = [f"line {line.number}: {w}" for w in _target_warnings(targets, numbers)]
    base_sizes: dict[str, float] = {}
    for lesion_id, seen in list(targets.items()):
        size = base.sizes[lesion_id]
        if size is None:
            warnings.append(
                f"line {line.number}: {lesion_path(seen)}: target {lesion_id} has no measurement "
                "at baseline and is left out"
            )
            del targets[lesion_id]
        else:
            base_sizes[lesion_id] = size
    # fsum: the exactly rounded sum, so the order lesions are listed in never matters
    base_sum = math.fsum(base_sizes.values()) if targets else None
    measurable = bool(targets)
    if (
        not targets
        and non_targets
        and all((s[0].organ or "").lower() == "bone" for s in non_targets.values())
    ):
        warnings.append(
            f"line {line.number}: bone-only disease is not measurable by RECIST 1.1; other "
            "evidence (symptoms, markers, bone scans, your team's view) matters more"
        )
    if not targets and not non_targets:
        warnings.append(f"line {line.number}: the baseline scan lists no lesions")

    known = set(targets) | set(non_targets)
    spec_ids = list(targets)
    n_targets = len(spec_ids)
    spec_nodes = [seen[0].node for seen in targets.values()]
    # Without nodes, "every target gone" is `not any(sizes)`: every size 0, checked in C.
    has_nodes = any(spec_nodes)
    non_target_ids = list(non_targets)
    pd_factor, pd_mm, pr_factor, node_normal = numbers[:4]
    nadir = base_sum
    # the baseline sum as the words write it: the same for every follow-up of the line
    base_words = g(base_sum) if base_sum is not None else ""
    points: list[Timepoint] = []
    target_ids = set(targets)
    # new lesions seen on bone scans only, not yet seen on any other imaging
    pending: set[str] = set()
    flagged_targets: set[str] = set()
    fsum = math.fsum
    round_1 = _round_1
    # The follow-ups: assessments after the baseline, up to the line's stop or as_of.
    first = bisect_right(scans.dates, base.date)
    after_end = bisect_right(scans.dates, end)
    for current in scans.assessments[first:after_end]:
        seen_now = current.lesions
        target: Response | None = None
        point_sum: float | None = None
        change_base = change_nadir = None
        nadir_then = nadir
        if n_targets and base_sum is not None and nadir is not None:
            # the targets' sizes, read when the assessment was grouped; a target not on
            # this assessment, or not readable on it, is missing
            found = list(map(current.sizes.get, spec_ids))
            # None: not on this assessment, or not readable on it (checked in C; a filtered
            # copy only when one is missing)
            missing = None in found
            # no `cast` call (a function call per follow-up): with none missing, no None
            sizes: Sizes = (
                [s for s in found if s is not None] if missing else found  # type: ignore[assignment]
            )
            total = fsum(sizes)
            point_sum = total
            change_nadir = round_1((total - nadir) / nadir * 100) if nadir > 0 else None
            change_base = round_1((total - base_sum) / base_sum * 100) if base_sum > 0 else None
            # PD: ≥20 % and ≥5 mm over the nadir, baseline included (RECIST 1.1 §4.3.1);
            # a target not read cannot make a sum that already shows PD any smaller.
            if total * 100 >= nadir * pd_factor - _EPS and total - nadir >= pd_mm:
                target = "PD"
            elif missing:
                target = "NE"  # §4.4.2
            elif (
                all(
                    size < node_normal if node else size == 0
                    for size, node in zip(sizes, spec_nodes, strict=True)
                )
                if has_nodes
                else not any(sizes)
            ):
                target = "CR"  # every non-nodal target gone, every node under 10 mm
            elif total * 100 <= base_sum * pr_factor + _EPS:
                target = "PR"  # ≥30 % below the baseline sum
            else:
                target = "SD"
            if not missing:
                if total < nadir:
                    nadir = total
            elif target != "PD":
                point_sum = change_base = change_nadir = None
        # New and clearly grown lesions are rare: skip building empty lists for them.
        new_ids: tuple[str, ...] = ()
        unconfirmed: tuple[str, ...] = ()
        if current.new_ids or pending:
            bone_only = current.bone_scan_only
            fresh = [i for i in current.new_ids if i not in known]
            # RECIST 1.1: a new lesion on a bone scan alone needs confirming by other imaging;
            # once another scan shows it, it is a new lesion like any other.
            confirmed = [i for i in sorted(pending) if i in seen_now and i not in bone_only]
            new_ids = tuple(dict.fromkeys([i for i in fresh if i not in bone_only] + confirmed))
            unconfirmed = tuple([i for i in fresh if i in bone_only])
            pending = (pending - set(confirmed)) | set(unconfirmed)
        # Non-target response (RECIST 1.1 §4.3.3), `_non_target_response` inlined; the paths
        # it rests on are distinct lesion readings.
        non_target: NonTarget | None
        nt_paths: list[str] = []
        if current.progressed:
            for i, role, path in current.progressed:
                if i in target_ids:
                    # "unequivocal progression" is a non-target judgement (RECIST 1.1
                    # §4.3.3); a target is judged by the sum of diameters alone.
                    if i not in flagged_targets:
                        flagged_targets.add(i)
                        warnings.append(
                            f"line {line.number}: {path}: target {i} is marked 'unequivocal "
                            "progression', which RECIST 1.1 uses for non-target lesions only; "
                            "it is judged by the sum of diameters instead"
                        )
                elif i in known or role == "non_target":
                    nt_paths.append(path)
        if nt_paths:
            non_target = "PD"
        elif not non_target_ids:
            non_target = None
        else:
            missing_nt = absent = 0
            for lesion_id in non_target_ids:
                read = seen_now.get(lesion_id)
                if read is None:
                    missing_nt += 1
                    continue
                fields = read[0].__dict__  # one read of the fields (see `group_assessments`)
                if fields["not_evaluated"]:
                    missing_nt += 1
                    continue
                nt_paths.append(lesion_path(read))
                if fields["status"] == "absent":
                    absent += 1
            if missing_nt:
                non_target = "NE"
            elif absent == len(non_target_ids):
                non_target = "CR"
            else:
                non_target = "non_CR_non_PD"
        overall, fired = _OVERALL[target, non_target, bool(new_ids)]
        if new_ids or unconfirmed:
            if unconfirmed and overall != "PD":
                fired += (NEW_ON_BONE_SCAN_ONLY,)
            paths = list(current.scan_paths)
            paths += [lesion_path(seen_now[lesion_id]) for lesion_id in new_ids + unconfirmed]
            paths += [p for p in nt_paths if p not in paths]
            all_paths = tuple(paths)
        else:
            # scan paths and lesion paths never coincide: no need to drop repeats
            all_paths = current.scan_paths + tuple(nt_paths) if nt_paths else current.scan_paths
        if (
            target == "PD"
            and not new_ids
            and not unconfirmed
            and non_target != "PD"
            and point_sum is not None
            and change_base is not None
            and change_nadir is not None
            and nadir_then is not None
        ):
            # `_describe` for growth of the sum alone, inlined (the usual growth)
            text = (
                f"Growth: {signed_g(change_nadir)} % over the smallest total so far "
                f"({g(nadir_then)} mm, the nadir) — the measured tumors add up to "
                f"{g(point_sum)} mm ({signed_g(change_base)} % from {base_words} mm before "
                "this treatment) (RECIST PD)."
            )
        elif new_ids or unconfirmed or overall == "PD":
            text = _describe(
                overall,
                point_sum,
                base_sum,
                nadir_then,
                change_base,
                change_nadir,
                target == "PD",
                bool(new_ids),
                non_target == "PD",
                bool(unconfirmed) and overall != "PD",
            )
        elif point_sum is not None and change_base is not None:
            # `_describe`, inlined for the common case (every timepoint has words)
            text = (
                f"{_WORDS[overall]} — the measured tumors add up to {g(point_sum)} mm "
                f"({signed_g(change_base)} % from {base_words} mm before this treatment)"
                f"{_LABELS[overall]}"
            )
        else:
            text = _WORDS[overall] + _LABELS[overall]
        # Positional, in `Timepoint`'s field order: a keyword call of this 14-field class
        # costs three times as much, and one is built per follow-up scan of every line.
        points.append(
            Timepoint(
                current.date,  # date
                point_sum,  # sum_mm
                change_base,  # change_from_baseline_pct
                change_nadir,  # change_from_nadir_pct
                nadir_then if n_targets else None,  # nadir_mm
                target,  # target
                non_target,  # non_target
                new_ids,  # new_lesions
                overall,  # overall
                fired[0],  # rule
                fired,  # rules
                all_paths,  # paths
                text,  # text
                unconfirmed,  # unconfirmed_new_lesions
            )
        )
    # Positional, in `LineResponse`'s field order (a keyword call costs more; see `Timepoint`)
    return LineResponse(
        line.number,  # line
        base.date,  # baseline_date
        base_sum,  # baseline_sum_mm
        base.scan_paths,  # baseline_paths
        tuple(targets),  # targets
        tuple(non_targets),  # non_targets
        measurable,  # measurable
        tuple(points),  # timepoints
        best_overall(points),  # best_overall
        tuple(warnings),  # warnings
    )


def assess_lines(
    lines: Sequence[Line], scans: Scans, rules: RecistRules, as_of: dt.date
) -> list[LineResponse]:
    """RECIST 1.1 for every line started on or before `as_of`."""
    return assess_grouped(lines, grouped_scans(scans, rules, as_of), rules, as_of)


def grouped_scans(scans: Scans, rules: RecistRules, as_of: dt.date) -> GroupedScans:
    """A record's scans on or before `as_of`, grouped into assessments once, for every line
    (`assess_grouped`) and for the status's latest scan date (`GroupedScans.dates[-1]`)."""
    return GroupedScans.of(group_assessments(scans, as_of, rules.too_small_default_mm.value))


def assess_grouped(
    lines: Sequence[Line], grouped: GroupedScans, rules: RecistRules, as_of: dt.date
) -> list[LineResponse]:
    """`assess_lines` on scans already grouped by `grouped_scans` (with the same `as_of`)."""
    out = []
    previous_start: dt.date | None = None
    for position, line in enumerate(lines):
        if line.start > as_of:
            break
        next_start = _next_start(lines, position, as_of)
        out.append(assess_line(line, grouped, rules, as_of, previous_start, next_start))
        previous_start = line.start
    return out


def _next_start(lines: Sequence[Line], position: int, as_of: dt.date) -> dt.date | None:
    """The start of the line after `lines[position]`, when it began on or before `as_of`."""
    if position + 1 < len(lines) and lines[position + 1].start <= as_of:
        return lines[position + 1].start
    return None


def assess_one_line(
    lines: Sequence[Line], position: int, scans: Scans, rules: RecistRules, as_of: dt.date
) -> LineResponse:
    """RECIST 1.1 for `lines[position]` alone, exactly as `assess_lines` reads it (the line
    before it bounds its baseline). For a caller that needs one line's response, such as
    "is the running line growing?", without reading every other line."""
    grouped = GroupedScans.of(group_assessments(scans, as_of, rules.too_small_default_mm.value))
    previous_start = lines[position - 1].start if position > 0 else None
    next_start = _next_start(lines, position, as_of)
    return assess_line(lines[position], grouped, rules, as_of, previous_start, next_start)


def _round_1(x: float) -> float:
    """`round(x, 1)`, the same float, for a third of the cost on the usual value.

    `round(x, 1)` goes through a decimal string (correctly rounded, ties to even on the
    exact binary value). `round(x * 10) / 10` gives the same float whenever the product
    `x * 10` is not near a tie (its one rounding error cannot then change the integer), the
    integer is not 0 (so the sign of a zero, `-0.0`, is kept) and the product is far below
    2**52; `n / 10` is then the float nearest the decimal n/10, as the string reading is.
    Near a tie, and in every other case, the slow reading is taken."""
    y = x * 10
    if -1e15 < y < 1e15:  # also False for NaN; infinities and huge values go the slow way
        n = round(y)
        if n and abs(y - n) < 0.4999999:
            return n / 10
    return round(x, 1)


class _Numbers(NamedTuple):
    pd_factor: float  # 100 + the PD increase, in percent of the nadir
    pd_min_mm: float  # the PD absolute increase, less the rounding allowance
    pr_factor: float  # 100 - the PR decrease, in percent of the baseline
    node_normal_mm: float
    # the target rules of §3.1 and §4.2 (`_target_warnings`)
    max_targets: float
    max_per_organ: float
    min_mm: float  # a non-nodal target's longest diameter
    min_node_mm: float  # a nodal target's short axis


def _numbers(rules: RecistRules) -> _Numbers:
    """The comparison numbers of one (immutable) knowledge base, worked out once for it."""
    return once_per(
        rules,
        "recist_numbers",
        lambda: _Numbers(
            100 + rules.pd_increase_pct.value,
            rules.pd_min_absolute_mm.value - _EPS,
            100 - rules.pr_decrease_pct.value,
            rules.node_normal_below_mm.value,
            rules.max_targets.value,
            rules.max_targets_per_organ.value,
            rules.min_measurable_mm.value,
            rules.min_node_short_axis_mm.value,
        ),
    )
