"""The lesion rows of the scan form, read as the person meant them before the importer checks
the scan.

Why: the rows below the recorded lesions are new ones, typed from scratch. There the person
says whether a lesion is a lymph node (its size is then the short axis, as RECIST 1.1
measures nodes), and a row with a name but no size, or a size but no name, is asked about
instead of being dropped or refused with "required field is missing". A recorded lesion whose
name is emptied is taken out of the scan, as the form's hint says.
"""

from __future__ import annotations

import re
from typing import Any

from nextline.errors import Problem
from nextline.knowledge import Knowledge

# A lesion "too small to measure" or "not checked" is a finding without a size (RECIST 1.1).
_FINDINGS = ("longest_mm", "short_axis_mm", "status", "too_small_to_measure", "not_evaluated")
_PRESET = ("role", "node")  # filled by the form itself on a blank row


def prepare_lesion_rows(data: dict[str, Any], recorded: int, correcting: bool) -> list[Problem]:
    """Shape `data["lesions"]` (rows keyed by form row) in place; `recorded` is the number of
    rows holding an already recorded lesion. Returns the problems, named by form input.

    A recorded lesion's row with its name emptied is taken out of the scan when correcting
    (the row still shows the recorded size). When adding a scan the sizes are typed fresh, so
    a size typed beside an emptied name is asked about instead."""
    rows = data.get("lesions")
    if not isinstance(rows, dict):
        return []
    problems: list[Problem] = []
    for number in sorted(k for k in rows if isinstance(k, int)):
        row = rows[number]
        if not isinstance(row, dict):
            continue
        size = row.pop("size_mm", None)
        if size is not None:
            row.setdefault("short_axis_mm" if row.get("node") == "true" else "longest_mm", size)
        carried = number < recorded
        # A recorded lesion's row arrives with its name, place and kind filled in: only a
        # finding there is the person's typing.
        typed = [k for k in row if k in _FINDINGS or (not carried and k not in _PRESET)]
        if carried and (correcting or row.get("id")):
            if not row.get("id") or not (correcting or any(k in row for k in _FINDINGS)):
                # The name emptied, or (adding a scan) nothing said of it: not on this scan.
                del rows[number]
            continue
        if typed and not row.get("id"):
            problems.append(
                Problem(
                    f"lesions[{number}].id",
                    "give this lesion a name (for example L3), or clear its row",
                )
            )
        elif (
            not carried
            and row.get("id")
            and row.get("role") != "new"  # new is the finding (a bone scan gives no size)
            and not any(k in row for k in _FINDINGS)
        ):
            problems.append(
                Problem(
                    f"lesions[{number}].size_mm",
                    "give its size in millimetres, or choose what was seen "
                    "(still there, gone, clearly grown)",
                )
            )
    return problems


def small_targets(
    data: dict[str, Any], file: Any, recorded: int, kb: Knowledge, correcting: bool = False
) -> list[Problem]:
    """A lesion made a measured (target) lesion on this scan, smaller than RECIST 1.1 lets a
    target be at baseline (§3.1.1: a lymph node at least 15 mm short axis, another lesion at
    least 10 mm longest size; the numbers are the knowledge base's), is asked about at
    its size: such a lesion is followed by eye (non-target). A lesion already measured on an
    earlier scan keeps its role as it shrinks, unless this scan is the baseline of a new
    treatment. The person may keep it as typed (`confirm_sizes`)."""
    if data.pop("confirm_sizes", None) == "yes":
        return []
    rows = data.get("lesions")
    if not isinstance(rows, dict) or kb.assess is None:
        return []
    rules = kb.assess.recist
    day = str(data.get("date") or "")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        return []  # no date yet: which lesions were measured before is not known
    restart = data.get("baseline") == "true"
    measured = {
        lesion.id
        for scan in file.imaging
        if scan.date.isoformat() < day
        for lesion in scan.lesions
        if lesion.role == "target"
    }
    problems = []
    for number in sorted(k for k in rows if isinstance(k, int)):
        row = rows[number]
        if not isinstance(row, dict) or row.get("role") != "target":
            continue
        if (row.get("id") in measured and not restart) or any(
            row.get(flag) == "true" for flag in ("too_small_to_measure", "not_evaluated")
        ):
            continue
        node = row.get("node") == "true"
        field = "short_axis_mm" if node else "longest_mm"
        try:
            size = float(str(row.get(field)))
        except ValueError:
            continue  # no size, or one the importer names
        limit = float((rules.min_node_short_axis_mm if node else rules.min_measurable_mm).value)
        if size >= limit:
            continue
        what = (
            f"a lymph node is measurable only when its short axis is at least {limit:g} mm"
            if node
            else f"a spot is measurable only when its longest size is at least {limit:g} mm"
        )
        carried = correcting or number < recorded
        problems.append(
            Problem(
                f"lesions[{number}].{field if carried else 'size_mm'}",
                f"RECIST 1.1, the rule for reading scans, says {what}. At {size:g} mm it is "
                "followed by eye: choose 'not measured' as its kind. If your team measures "
                "it anyway, tick the box below to keep it.",
            )
        )
    return problems


def size_inputs(typed: dict[str, str]) -> dict[str, str]:
    """A new row's one size input (`lesions[2].size_mm`) under the names the importer's
    problems use for it (`lesions[2].longest_mm`, or the short axis for a node), so a size
    it refuses is named at the input the person typed it in."""
    out = {}
    for name in typed:
        if name.startswith("lesions[") and name.endswith("].size_mm"):
            row = name[: -len(".size_mm")]
            out[f"{row}.longest_mm"] = name
            out[f"{row}.short_axis_mm"] = name
    return out


__all__ = ["prepare_lesion_rows", "size_inputs", "small_targets"]
