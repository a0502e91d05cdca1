"""The shared grammar of eligibility text, used by every reader: numbers written as words,
"at least / no more than N" before a count, time windows ("within 4 weeks before the first
dose", "at least 14 days since"), clauses and sentences.

Why one module: the same quantifier and window words appear in lines, therapies, labs and
age criteria; reading them once keeps the readers consistent. The alternatives grammar
("A, or B") and the conditions grammar ("if ..., then ...") live in `logic.py`.

Pure: text in, values out.
"""

from __future__ import annotations

import re

NUMBER_WORDS = {
    "zero": 0,
    "no": 0,
    "one": 1,
    "a single": 1,
    "single": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "eighteen": 18,
    "twenty-four": 24,
}
NUM = r"(?:\d+|zero|one|two|three|four|five|six|seven|eight|nine|ten|twelve|eighteen|a single)"
UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": 30.4375, "year": 365.25}

WITHIN_RE = re.compile(
    r"(?P<rev>at least|more than|greater than|≥|>|over|longer than)?\s*"
    r"(?:within|in)\s+(?:at least\s+)?(?:the\s+)?(?:last\s+|past\s+|previous\s+|prior\s+)?"
    r"(?P<n>" + NUM + r")"
    r"\s*(?P<u>day|week|month|year)s?"
    r"|(?P<rev2>at least|more than|greater than|≥|>|over|longer than)?\s*(?:≤|<)?\s*"
    r"(?P<n2>" + NUM + r")\s*(?P<u2>day|week|month|year)s?\s*(?:\([^)]*\)\s*)?"
    r"(?:or\s+\d+\s+half-?lives[^,;)]*\s*)?(?:prior to|before|of)\s+(?:the\s+)?"
    r"(?:first|start|initiation|enrol|random|registration|day\s*1|cycle\s*1|study|c1d1|"
    r"treatment|dosing|screening|consent)",
    re.IGNORECASE,
)

AT_LEAST_BEFORE = re.compile(
    r"(?:at least|≥|>|a minimum of|minimum of|more than|greater than|over)\s*(?:\w+\s+)?$",
    re.IGNORECASE,
)
AT_MOST_BEFORE = re.compile(
    r"(?:no more than|not more than|≤|<|up to|a maximum of|maximum of|at most|fewer than|"
    r"less than|not exceed(?:ing)?|no greater than)\s*(?:\w+\s+)?$",
    re.IGNORECASE,
)

NOT_MORE_THAN_BEFORE = re.compile(
    r"\b(?:not|no|never|cannot)\b[^.;]{0,40}?(?:more than|greater than|over)\s*(?:\w+\s+)?$",
    re.IGNORECASE,
)


def number(word: str) -> int | None:
    word = word.strip().lower()
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


AFTER_THERAPY = re.compile(
    r"^\s*(?:after|of|from|following)\s+(?:the\s+)?(?:completion|last dose|last administration|"
    r"end|stopping|discontinu|cessation|finishing|completing)",
    re.IGNORECASE,
)


WINDOW_HINT = re.compile(
    r"within|prior to|before|\bof (?:the )?(?:first|start)|\bin the "
    r"(?:last|past|previous)",
    re.IGNORECASE,
)

SINCE_RE = re.compile(
    r"(?:at least|≥|more than|>|greater than|minimum of)\s*(?P<n>"
    + NUM
    + r")\s*(?P<u>day|week|month|year)s?"
    r"\s*(?:\([^)]*\)\s*)?(?:since|from|after|have elapsed|must have elapsed|between|prior)",
    re.IGNORECASE,
)
# "last dose of prior therapy was 21 days or more prior to ...", "last dose at least 4 weeks
# before": a reverse window written from the last dose
LAST_DOSE_RE = re.compile(
    r"last (?:dose|administration)[^.;]{0,60}?\b(?:was|be|is|must be|at least|≥|>|more than|"
    r"minimum of)\s*(?:at least\s*|≥\s*)?(?P<n>"
    + NUM
    + r")\s*(?P<u>day|week|month|year)s?\b[^.;]{0,60}?(?:prior to|before|from)",
    re.IGNORECASE,
)
CURRENT_RE = re.compile(
    r"currently (?:taking|receiving|on|using|treated with|being treated with|undergoing)|"
    r"current (?:use|treatment) (?:of|with)|\btaking\b|"
    r"must be (?:on|receiving|taking)|(?:is|are) (?:on|receiving|taking) (?:an? |a stable )",
    re.IGNORECASE,
)


FROM_START = re.compile(
    r"^\s*(?:of|after|from)\s+(?:the\s+)?(?:receiving|starting|initiating|initiation|start|"
    r"beginning|commencing|first dose)",
    re.IGNORECASE,
)
CLAUSE_BREAK = re.compile(r";|,?\s+and/or\s+|,\s+or\s+|\.\s+(?=[A-Z])", re.IGNORECASE)

# What a time window counts from: back from today ("within 4 weeks before the first dose"),
# from the end of a therapy ("relapse within 12 months after completing it"), from its start
# ("progression within 6 months of starting it"), or a reverse window ("at least 4 weeks since
# the last dose": the days it must have stopped for).
Window = tuple[int | None, str | None]


def window_days(text: str) -> Window:
    """The time window of a clause in days, and what it counts from (see `Window`)."""
    since = SINCE_RE.search(text) or LAST_DOSE_RE.search(text)
    if since:
        # "at least 14 days since the last dose": how long ago it must have stopped
        n = number(since.group("n"))
        return (round(n * UNIT_DAYS[since.group("u").lower()]) if n else None), "reverse"
    if CURRENT_RE.search(text):
        return 0, "now"
    if not WINDOW_HINT.search(text):
        return None, None
    for m in WITHIN_RE.finditer(text):
        n = number(m.group("n") or m.group("n2") or "")
        unit = (m.group("u") or m.group("u2") or "").lower()
        if n is None or not unit:
            continue
        days = round(n * UNIT_DAYS[unit])
        if m.group("rev") or m.group("rev2"):
            return days, "reverse"  # "stopped at least 4 weeks before enrolment"
        rest = text[m.end() :]
        if AFTER_THERAPY.match(rest):
            return days, "after_stop"
        if FROM_START.match(rest) and re.search(
            r"relapse|recurr|progress", text[: m.start()], re.IGNORECASE
        ):
            return days, "after_start"
        return days, "now"
    return None, None


def clause(text: str, start: int, end: int) -> str:
    """The clause around a mention: alternatives joined by "and/or", ", or", ";" or a new
    sentence each carry their own time window."""
    left = 0
    for m in CLAUSE_BREAK.finditer(text, 0, start):
        left = m.end()
    right_match = CLAUSE_BREAK.search(text, end)
    right = right_match.start() if right_match else len(text)
    return text[left:right]


SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-Z(])")


def sentences(text: str) -> list[tuple[int, str]]:
    """The sentences of a criterion with their offsets ("1.5" and "e.g." do not split)."""
    out: list[tuple[int, str]] = []
    start = 0
    for m in SENTENCE.finditer(text):
        out.append((start, text[start : m.start()]))
        start = m.end()
    out.append((start, text[start:]))
    return out


def sentence_of(text: str, index: int) -> str:
    """The sentence of `text` that holds position `index`."""
    start = 0
    for offset, _ in sentences(text):
        if offset > index:
            break
        start = offset
    end = next((o for o, _ in sentences(text) if o > start), len(text))
    return text[start:end]
