"""Indication lists: "one of the following" cancers, of which breast cancer may be one.

A basket study lists the cancers it takes, each with its own conditions, and a person needs
to fit one item only. Two shapes:
- in one sentence: "One of the following advanced solid tumors: HNSCC, pancreatic
  adenocarcinoma, NSCLC, breast carcinoma (HR+ and HER2- that has progressed on a CDK4/6
  inhibitor), or platinum-resistant ovarian cancer". Only the breast items are read (the
  conditions of the ovarian item, "platinum-resistant", are not a breast patient's);
- as a heading followed by items at the same level ("Patients with one of the following
  indications:", then "metastatic PDAC after ...", "HR+/HER2- BC after at least 2 lines",
  "TNBC after at least 2 lines"): the items become one criterion met when one breast item is
  met, and not met when every breast item fails (or no item is for breast cancer).

Pure: text and parsed criteria in, text and criteria out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nextline.trials.eligibility.models import Constraint, Criterion
from nextline.trials.eligibility.readers.other_cancers import mentions_other_cancer, names_breast
from nextline.trials.eligibility.split import RawCriterion

_ONE_OF = re.compile(r"\b(?:one|any|either) of the following\b", re.IGNORECASE)
_SENTENCE_LIST = re.compile(
    r"^(?P<head>\W*(?:\w+\s+){0,4}?(?:one|any|either) of the following\b[^:]{0,160}):\s*"
    r"(?P<items>.+)$",
    re.IGNORECASE | re.DOTALL,
)
_ITEM_CUT = re.compile(r",\s*(?:or\s+|and\s+)?|\s+or\s+|;\s*", re.IGNORECASE)


def _items(text: str) -> list[str]:
    """The list's items, cut at commas and "or" outside brackets."""
    out: list[str] = []
    depth = start = 0
    index = 0
    while index < len(text):
        char = text[index]
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        elif depth == 0:
            cut = _ITEM_CUT.match(text, index)
            if cut is not None and cut.end() > index:
                out.append(text[start:index].strip())
                start = index = cut.end()
                continue
        index += 1
    out.append(text[start:].strip(" ."))
    return [item for item in out if item]


def breast_items(text: str) -> str | None:
    """A one-sentence list of cancers as only its breast items ("<head>: breast carcinoma
    (...)"); None when the text is no such list, or names no other cancer beside breast."""
    found = _SENTENCE_LIST.match(text)
    if found is None:
        return None
    items = _items(found.group("items"))
    breast = [item for item in items if names_breast(item)]
    others = [item for item in items if not names_breast(item) and mentions_other_cancer(item)]
    if len(items) < 2 or not breast or not others:
        return None
    return f"{found.group('head')}: {' or '.join(breast)}"


def _heads_a_list(raw: RawCriterion, read: Criterion) -> bool:
    return (
        raw.section == "inclusion"
        and raw.text.rstrip().endswith(":")
        and bool(_ONE_OF.search(raw.text))
        and not read.groups
    )


def _names_a_cancer(text: str) -> bool:
    return names_breast(text) or mentions_other_cancer(text)


def join_indication_lists(
    raw: Sequence[RawCriterion], read: Sequence[Criterion]
) -> tuple[Criterion, ...]:
    """The criteria with each flat indication list (a "one of the following" heading and the
    cancer items after it at the same level) read as one criterion (see the module
    docstring)."""
    out: list[Criterion] = []
    index = 0
    while index < len(read):
        head, criterion = raw[index], read[index]
        run: list[int] = []
        if _heads_a_list(head, criterion):
            after = index + 1
            while (
                after < len(read)
                and raw[after].section == head.section
                and raw[after].group == head.group
                and raw[after].cohort == head.cohort
                and _names_a_cancer(raw[after].text)
            ):
                run.append(after)
                after += 1
        if len(run) < 2:
            out.append(criterion)
            index += 1
            continue
        breast = [read[i] for i in run if names_breast(raw[i].text)]
        text = " / ".join([head.text, *(raw[i].text for i in run)])
        if not breast:
            other = Constraint(type="condition", statuses=("other",), words="the listed cancers")
            groups: tuple[tuple[Constraint, ...], ...] = ((other,),)
            topics: tuple[str, ...] = ()
        elif any(not item.groups for item in breast):
            groups = ()  # a breast item nextline cannot read: asked, never decided
            topics = tuple(dict.fromkeys(t for item in breast for t in item.topics)) or (
                "condition",
            )
        else:
            groups = tuple(dict.fromkeys(g for item in breast for g in item.groups))
            topics = tuple(dict.fromkeys(t for item in breast for t in item.topics))
        out.append(
            Criterion(
                text=text,
                section=head.section,
                group=head.group,
                cohort=head.cohort,
                groups=groups,
                topics=topics,
            )
        )
        index = run[-1] + 1
    return tuple(out)
