"""Split a raw eligibility text into inclusion and exclusion criteria.

ClinicalTrials.gov texts are Markdown-ish and varied: "Inclusion Criteria:" headings in many
spellings ("Key Inclusion Criteria", "EXCLUSION CRITERIA:", "Inclusion:"), bullets (`*`,
`-`, `•`, `o`), numbering (`1.`, `1)`, `a.`), nesting by indentation, escaped comparison
signs (`\\>=`, `=\\<`) and HTML entities escaped several times over. Each criterion keeps the
heading or parent item it sits under, and whether that makes it cohort-specific.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from nextline.trials.eligibility.models import Section


@dataclass(frozen=True, slots=True)
class RawCriterion:
    text: str
    section: Section
    group: str | None
    cohort: str | None


_ESCAPES = re.compile(r"\\([<>\[\]()*_&#+.~-])")
_BULLET = re.compile(
    r"^(?:[*\-•·◦▪º§o]\s+|[*•·◦▪º]|\(?\d{1,2}[.)]\s*(?=\S)|\(?[a-hA-H][.)]\s+|"
    r"\(?(?:i{1,3}|iv|v|vi{1,3}|ix|x)[.)]\s+)"
)
_HEADING = re.compile(
    r"^(?:[*\-•]\s*)?(?:\d+[.)]\s*)?(?P<head>[A-Za-z0-9 /,()&-]{0,60}?)\b"
    r"(?P<kind>inclusions?|exclusions?|eligibility|ineligibility)\b"
    r"(?P<tail>[A-Za-z0-9 /,()&-]{0,60}?)\s*:?\s*$",
    re.IGNORECASE,
)
_COHORT = re.compile(
    r"\b(?:cohorts?|arms?|parts?|groups?|dose[- ](?:escalation|expansion)|expansion|"
    r"stage\s+[12]\b|phase\s+(?:1|2|i|ii)[abc]?\b|module|substud(?:y|ies)|"
    # "Pre-registration", "Step 1 registration" (but "within 14 days of registration" is a
    # time, not a step)
    r"(?<!of )(?<!to )(?<!before )(?<!after )registration|only)\b",
    re.IGNORECASE,
)
_LABEL_PREFIX = re.compile(
    r"^(?P<label>[^:.;]{2,60}?)\s*(?:only)?\s*:\s+\S|"
    r"^(?P<label2>(?:for|in) [^,:.;]{2,50}? only)\s*,|"
    r"^(?P<label3>(?:part|cohort|arm|module|phase|group|stage)\s+[\w-]{1,6}\b)",
    re.IGNORECASE,
)


def clean_text(text: str) -> str:
    """Undo HTML entities (sometimes escaped many times over) and Markdown escapes, and
    write comparison signs one way (≥, ≤)."""
    previous = None
    while previous != text:
        previous, text = text, html.unescape(text)
    text = _ESCAPES.sub(r"\1", text)
    text = text.replace("\u00a0", " ").replace("\t", "    ")
    text = re.sub(r"(?<![<>=])(?:>=|=>|> =|=\s*>(?!=))", "≥", text)
    text = re.sub(r"(?<![<>=])(?:<=|=<|< =|=\s*<(?!=))", "≤", text)
    return text


def _heading_section(line: str) -> Section | None:
    """The section a heading line opens, or None if the line is not a heading."""
    stripped = line.strip().strip("*_#").strip()
    if len(stripped) > 90 or stripped.count(".") > 1:
        return None
    match = _HEADING.match(stripped)
    if not match:
        return None
    words = stripped.lower()
    if "criteri" not in words and not stripped.endswith(":") and len(stripped.split()) > 3:
        return None
    has_in = bool(re.search(r"\binclusion|\beligibility\b", words))
    has_ex = bool(re.search(r"exclusion|ineligib", words))
    if has_in and has_ex:
        return None
    if has_ex:
        return "exclusion"
    return "inclusion" if has_in else None


_SCOPING_PARENT = re.compile(
    r"^(?:if|for (?:patients|participants|subjects|women|men|those)|in (?:patients|"
    r"participants))\b|"
    r"\b(?:one|any|either|at least one|one or more) of the following|\bdefined as\b|"
    r"\bas follows\b|\bsuch as\b|\bi\.e\.|\be\.g\.",
    re.IGNORECASE,
)


# "Inclusion Criteria All Arms", "Key criteria for both phases": for everyone, not a cohort
_EVERYONE = re.compile(
    r"\b(?:all|both|every|each|any)\s+(?:\w+\s+)?(?:arms?|cohorts?|parts?|phases?|groups?|"
    r"participants|patients|stages?|modules?)\b|\ball (?:of )?the following\b",
    re.IGNORECASE,
)
# "adequate organ function as follows:", "laboratory values defined as:": every item below
# is required of everyone, not one way in among others
_REQUIRED_LIST = re.compile(
    r"\b(?:organ|marrow|hepatic|renal|laborator\w*|labs?|haematolog\w*|hematolog\w*)\b",
    re.IGNORECASE,
)


def _cohort_of(label: str | None) -> str | None:
    if label and _COHORT.search(label) and not _EVERYONE.search(label):
        return label.strip().rstrip(":").strip()
    return None


def _scope_of(parent: str, section: Section) -> str | None:
    """A parent item that makes its children conditional or alternatives ("If the patient
    has ER+ disease:", "one of the following:")."""
    if not _SCOPING_PARENT.search(parent):
        return None
    if (
        _REQUIRED_LIST.search(parent)
        and re.search(r"\bas follows\b|\bdefined (?:as|below)\b", parent, re.IGNORECASE)
        and not re.search(r"\b(?:one|any|either)\b", parent, re.IGNORECASE)
    ):
        return None
    if section == "exclusion" and not parent.lower().startswith(("if", "for", "in ")):
        return None  # "any of the following" in exclusions: each child excludes on its own
    return parent.strip().rstrip(":").strip()


def split_criteria(raw: str) -> tuple[list[RawCriterion], bool]:
    """The criteria of a text in order, and whether no section heading was found (then
    everything counts as inclusion)."""
    text = clean_text(raw)
    section: Section = "inclusion"
    saw_heading = False
    heading_label: str | None = None  # e.g. "Key Inclusion Criteria for Cohort 2"
    # open items: (indent, text) of items that may have children
    stack: list[tuple[int, str]] = []
    items: list[tuple[Section, int, str, str | None, str | None]] = []

    for line in text.split("\n"):
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        body = line.strip()
        heading = _heading_section(body)
        if heading is not None:
            section, saw_heading = heading, True
            heading_label = body.strip("*:-# ").strip()
            stack = []
            continue
        bullet = _BULLET.match(body)
        content = body[bullet.end() :].strip() if bullet else body
        if not content:
            continue
        if not bullet and indent > 0 and items and items[-1][0] == section:
            # a continuation line of the item above
            sec, ind, prev, group, cohort = items[-1]
            items[-1] = (sec, ind, f"{prev} {content}", group, cohort)
            continue
        depth = indent + (1 if bullet else 0)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if not bullet and indent == 0:
            stack = []
        parents = [t for _, t in stack]
        group = parents[-1] if parents else None
        cohort = None
        for label in (heading_label, *parents):
            found = _cohort_of(label)
            if found and (label is not heading_label or "criteri" in (label or "").lower()):
                cohort = found
        for parent in parents:
            scoped = _scope_of(parent, section)
            if scoped:
                cohort = scoped
        prefix = _LABEL_PREFIX.match(content)
        label = (
            (prefix.group("label") or prefix.group("label2") or prefix.group("label3"))
            if prefix
            else None
        )
        if label and _cohort_of(label):
            cohort = _cohort_of(label)
        items.append((section, depth, content, group, cohort))
        stack.append((depth, content))

    out = [
        RawCriterion(text=t, section=s, group=g, cohort=c)
        for s, _, t, g, c in items
        if not re.fullmatch(r"(?i)none\.?|n/a|not applicable", t)
    ]
    return out, not saw_heading
