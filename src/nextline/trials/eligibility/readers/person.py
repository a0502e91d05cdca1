"""Person readers: age limits, sex, and menopausal status, with the wording that makes a
sentence a condition on some people rather than a limit on who may join ("women who are
breast feeding", "men must agree not to donate sperm", a definition of menopause).

Pure: text in, constraints or mentions out.
"""

from __future__ import annotations

import re

from nextline.trials.eligibility.models import Constraint
from nextline.trials.eligibility.nlp import Mention
from nextline.trials.eligibility.readers.base import Found, Reading

_MENO_RE = re.compile(r"\b(post|pre|peri)[- ]?menopaus\w*", re.IGNORECASE)
_ELIDED_MENO = re.compile(
    r"\b(post|pre|peri)(?:-|\s)(?=\s*(?:,|/|or\b|and\b|and/or\b)[^.;]{0,30}?menopaus)",
    re.IGNORECASE,
)
_OFS_RE = re.compile(
    r"suppression|ablation|gnrh|lhrh|goserelin|leuprolide|oophorectomy", re.IGNORECASE
)
_MENO_DEFINITION = re.compile(
    r"defin|childbearing|child-bearing|pregnan|contracepti|amenorrh|\bfsh\b|estradiol|"
    r"reproductive potential|by history|\bmenses\b|hysterectom|\bcan be\b|\bmay be\b",
    re.IGNORECASE,
)
_SEX_FEMALE = re.compile(
    r"^(?:female|women|woman)\b|\bfemale (?:sex|gender|patients?|participants?|subjects?)\b|"
    r"^(?:patients?|participants?|subjects?) (?:must be|are) (?:female|women)\b",
    re.IGNORECASE,
)
# Words that make a sentence naming one sex a condition on that sex ("male participants must
# agree not to donate sperm", "women who are breast feeding", "female participants can be
# pre-, peri- or postmenopausal"), not a limit on who may join.
_SEX_CONDITION = re.compile(
    r"lactat|breast[- ]?feed|nursing|sperm|fertil|reproductive|menses|menopaus|amenorr|"
    r"hysterectom|oophorectom|tubal|agree|willing|must use|\bcan be\b|\bmay be\b|"
    r"\bmust (?:either )?be (?:of|on|receiving|willing)|receiving|sterili",
    re.IGNORECASE,
)
_SEX_MALE = re.compile(
    r"^(?:male|men|man)\b|\bmale (?:sex|gender|patients?|participants?|subjects?)\b|"
    r"^(?:patients?|participants?|subjects?) (?:must be|are) (?:male|men)\b",
    re.IGNORECASE,
)

# --- numbers -----------------------------------------------------------------------------
_AGE_CONTEXT = re.compile(
    r"\bage[ds]?\b|of age|years? old|year-old|or older|\badults?\b", re.IGNORECASE
)
_AGE_RE = re.compile(
    r"(?P<op>≥|>|≤|<|at least|over|older than|greater than(?: or equal to)?|more than|"
    r"younger than|less than|under|up to|above|below)?\s*(?P<a>\d{1,3})\s*"
    r"(?:(?:-|–|to|and)\s*(?P<b>\d{1,3})\s*)?(?:years?|yrs?|y/o|y\.o\.)?\s*(?:of age|old)?\s*"
    r"(?P<post>or (?:older|over|above|greater|more)|and (?:older|over|above)|or (?:younger|less|"
    r"below)|\+)?",
    re.IGNORECASE,
)

# An age inside a definition of menopause or of child-bearing potential ("post-menopausal:
# ≥ 60 years old, or < 60 with no menses for 12 months") is not an age limit.
AGE_IN_DEFINITION = re.compile(
    r"menopaus|\bmenses\b|amenorr|non-?reproductive|reproductive potential|hysterectom|"
    r"oophorectom",
    re.IGNORECASE,
)


# an age that belongs to someone or something else: a relative, a death, a diagnosis in the
# family
_SOMEONE_ELSE = re.compile(
    r"family history|relatives?\b|\bdeath\b|\bdied\b|\bsibling|\bparent|\bmother|\bfather",
    re.IGNORECASE,
)


def _age(text: str) -> Constraint | None:
    if not _AGE_CONTEXT.search(text):
        return None
    for m in _AGE_RE.finditer(text):
        a = int(m.group("a"))
        if not 10 <= a <= 100:
            continue
        around = text[max(0, m.start() - 30) : m.end() + 20]
        if not _AGE_CONTEXT.search(around):
            continue
        if re.search(
            r"\b(?:within|for|past|last|after|since|prior|ago|before)\s*$",
            text[max(0, m.start() - 12) : m.start()],
            re.IGNORECASE,
        ):
            continue
        if _SOMEONE_ELSE.search(text[max(0, m.start() - 60) : m.start()]):
            continue  # "family history of sudden death under 40 years of age"
        op = (m.group("op") or "").lower()
        post = (m.group("post") or "").lower()
        b = m.group("b")
        if b is not None:
            hi = int(b)
            if hi <= a or hi > 120:
                continue
            return Constraint(type="age", minimum=a, maximum=hi, words=m.group(0).strip())
        if op in ("≥", "at least", "greater than or equal to") or re.search(
            r"older|over|above|greater|more|\+", post
        ):
            return Constraint(type="age", minimum=a, words=m.group(0).strip())
        if op in (">", "over", "older than", "greater than", "more than", "above"):
            return Constraint(type="age", minimum=a, strict=True, words=m.group(0).strip())
        if op in ("≤", "up to") or re.search(r"younger|less|below", post):
            return Constraint(type="age", maximum=a, words=m.group(0).strip())
        if op in ("<", "younger than", "less than", "under", "below"):
            return Constraint(type="age", maximum=a, strict=True, words=m.group(0).strip())
    return None


def find_menopause(reading: Reading) -> list[Found]:
    """Menopausal status asked for (any status when ovarian suppression is offered)."""
    text = reading.text
    definition = _MENO_DEFINITION.search(text)
    offered = text  # where ovarian suppression offered to everyone would be written
    if (
        definition is not None
        and definition.group(0).lower() == "defin"
        # "A postmenopausal state is defined as ...": a definition, not a requirement
        and not re.search(r"\b(?:is|are|was|were|be|being)\s*$", text[: definition.start()])
    ):
        # "Postmenopausal status, defined as ...": the status asked for comes first, the
        # definition after it (its ages, months and oophorectomy are not limits of their
        # own); a bracketed definition ends at its bracket, and the sentence may go on
        end = re.compile(r"\)" if "(" in text[: definition.start()] else r"$").search(
            text, definition.start()
        )
        offered = text[: definition.start()] + (text[end.end() :] if end else "")
        text = text[: definition.start()]
        definition = None
    # "(who do not fit postmenopausal criteria)": an aside saying who the words mean, not a
    # status of its own (blanked, so offsets stay)
    text = re.sub(r"\([^()]*\bnot\b[^()]*\)", lambda m: " " * len(m.group(0)), text)
    mentions = list(_MENO_RE.finditer(text))
    if not mentions or definition is not None:
        return []
    statuses = {f"{m.group(1).lower()}menopausal" for m in mentions}
    # "pre- or perimenopausal", "pre-/peri-menopausal": a prefix standing for the word
    statuses |= {f"{m.group(1).lower()}menopausal" for m in _ELIDED_MENO.finditer(text)}
    if _OFS_RE.search(offered):
        statuses = {"premenopausal", "perimenopausal", "postmenopausal"}
    first, last = mentions[0], mentions[-1]
    return [
        Found(
            Mention(first.start(), last.end(), "MENO"),
            Constraint(
                type="menopausal_status",
                statuses=tuple(sorted(statuses)),
                words=text[first.start() : last.end()],
            ),
        )
    ]


# "Arm 2: men with ER-positive breast cancer": the part's label comes before who it is for
_PART_LABEL = re.compile(
    r"^\W*(?:arm|cohort|part|group|stratum|sub-?study)\s*[\w.-]{1,4}\s*(?:\([^)]*\)\s*)?[:.–-]\s*",
    re.IGNORECASE,
)


def _sex(text: str) -> Constraint | None:
    text = _PART_LABEL.sub("", text, count=1)
    if _SEX_CONDITION.search(text):
        return None
    female = bool(_SEX_FEMALE.search(text))
    male = bool(_SEX_MALE.search(text))
    if re.search(r"\b(?:men|males?)\b", text, re.IGNORECASE) and re.search(
        r"\b(?:women|females?)\b", text, re.IGNORECASE
    ):
        return None
    if female == male:
        return None
    # reproductive rules for the people of one sex ("Female subjects must not donate ...
    # ova", "men must not father a child") are not a limit to that sex
    if re.search(
        r"childbearing|child-bearing|pregnan|contracepti|partner|\bdonat|\bova\b|oocyte|"
        r"\beggs?\b|sperm|breast-?feed|lactat|nursing|father",
        text,
        re.IGNORECASE,
    ):
        return None
    return Constraint(
        type="sex",
        statuses=("female",) if female else ("male",),
        words="female" if female else "male",
    )


def read_age(reading: Reading) -> list[Constraint]:
    """An age limit, unless the age sits inside a definition of menopause."""
    age = _age(reading.text)
    if age is None or AGE_IN_DEFINITION.search(reading.text):
        return []
    return [age]


def read_sex(reading: Reading) -> list[Constraint]:
    """A limit to one sex (see `_sex`)."""
    sex = _sex(reading.text)
    return [] if sex is None else [sex]


# "Diagnosed at least 6 months ago", "must be within 5 years of diagnosis", "diagnosed within
# the last 12 weeks": how long ago the cancer was found
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10}
_SINCE_AT_LEAST = re.compile(
    r"\bdiagnos\w*\s+(?:at least|more than|≥|>=?|over)\s*(?P<n>\d{1,3}|one|two|three|four|five|"
    r"six|ten)\s+(?P<unit>day|week|month|year)s?\s+(?:ago|before|prior)",
    re.IGNORECASE,
)
_SINCE_AT_MOST = re.compile(
    r"\bwithin\s+(?:the\s+)?(?:last\s+|past\s+)?(?P<n>\d{1,3}|one|two|three|four|five|six|ten)"
    r"\s+(?P<unit>day|week|month|year)s?\s+(?:of|from|after)\s+(?:(?:the|their|initial|first)"
    r"\s+)*diagnosis\b|\bdiagnosed\s+within\s+(?:the\s+)?(?:last\s+|past\s+)?"
    r"(?P<n2>\d{1,3}|one|two|three|four|five|six|ten)\s+(?P<unit2>day|week|month|year)s?\b",
    re.IGNORECASE,
)


def _days(number: str, unit: str) -> int:
    n = int(number) if number.isdigit() else _NUMBER_WORDS[number.lower()]
    return n * _UNIT_DAYS[unit.lower()]


def read_since_diagnosis(reading: Reading) -> list[Constraint]:
    """How long ago the cancer was found, as an inclusion (days, at least or at most)."""
    if reading.section != "inclusion" or not re.search(r"diagnos", reading.text, re.I):
        return []
    least = _SINCE_AT_LEAST.search(reading.text)
    if least is not None:
        days = _days(least.group("n"), least.group("unit"))
        return [Constraint(type="since_diagnosis", minimum=days, words=least.group(0))]
    most = _SINCE_AT_MOST.search(reading.text)
    if most is not None:
        number = most.group("n") or most.group("n2")
        unit = most.group("unit") or most.group("unit2")
        days = _days(number, unit)
        return [Constraint(type="since_diagnosis", maximum=days, words=most.group(0))]
    return []
