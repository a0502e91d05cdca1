"""Lines reader: how many prior lines of therapy a criterion allows or requires ("at least
one but no more than 3 prior lines", "≤ 2 prior chemotherapy regimens for metastatic
disease", "progression on the most recent therapy", "previously untreated metastatic").

Pure: text in, a `prior_lines` constraint out (with the spans it read, which the therapy
reader then leaves alone).
"""

from __future__ import annotations

import re

from nextline.trials.eligibility.grammar import (
    AT_LEAST_BEFORE,
    AT_MOST_BEFORE,
    NOT_MORE_THAN_BEFORE,
    NUM,
    number,
    sentence_of,
)
from nextline.trials.eligibility.models import Constraint
from nextline.trials.eligibility.readers.base import Reading
from nextline.trials.eligibility.readers.therapies import METASTATIC_SETTING
from nextline.trials.eligibility.vocabulary import therapy_vocabulary

_LINES_RE = re.compile(
    r"(?<![\w/.-])(?P<num>"
    + NUM
    + r"|\d+\s*(?:-|–|to|or)\s*\d+)\s*(?:\(\d+\)\s*)?(?P<more>or more\s+|or fewer\s+"
    r"|or less\s+)?(?:prior\s+|previous\s+|standard\s+|systemic\s+|cytotoxic\s+|"
    r"chemotherapy\s+|chemotherapeutic\s+|endocrine\s+|hormonal\s+|treatment\s+|therapy\s+|"
    r"anti-?cancer\s+|lines?\s+of\s+|anti-?\s?her-?2\s+|her-?2[- ](?:targeted|directed|"
    r"targeting)\s+)*(?:lines?|regimens?|(?<=endocrine )therapies|"
    r"(?<=hormonal )therapies|(?<=prior )chemotherap(?:y|ies)|(?<=previous )chemotherap(?:y|ies))"
    r"\b(?P<what>[^.;:]{0,60})",
    re.IGNORECASE,
)

_LINES_BETWEEN = re.compile(
    r"(?:at least|≥|a minimum of|minimum of)\s*(?P<a>" + NUM + r")\s*(?:\(\d+\)\s*)?"
    r"(?:but|and)\s*(?P<op>no more than|not more than|≤|at most|up to|fewer than|less than|<)"
    r"\s*(?P<b>" + NUM + r")\s*(?:\(\d+\)\s*)?[^.;]{0,50}?\b(?:lines?|regimens?)\b",
    re.IGNORECASE,
)

# "between one and three prior regimens", "from 1 to 3 prior lines": both ends count
_LINES_FROM_TO = re.compile(
    r"\b(?:between|from)\s+(?P<a>"
    + NUM
    + r")\s*(?:\(\d+\)\s*)?(?:and|to|-|–)\s*(?P<b>"
    + NUM
    + r")\s*(?:\(\d+\)\s*)?(?:\w+\s+){0,4}?(?:lines?|regimens?)\b",
    re.IGNORECASE,
)

ANTI_HER2 = re.compile(r"anti-?\s?her-?2|her-?2[- ](?:targeted|directed)", re.IGNORECASE)
_PROGRESSED_ON_PRIOR = re.compile(
    r"progress\w*\s+(?:on|after|following|during)\s+(?:or (?:after|following)\s+)?"
    r"(?:or intoleran\w+ (?:to|of)\s+)?(?:the |their |a |any )?(?:most recent|last|latest|prior|"
    r"previous)\s+(?:line of\s+)?(?:systemic\s+|standard\s+|anti-?cancer\s+)?"
    r"(?:therapy|treatment|regimen|line)",
    re.IGNORECASE,
)
_FIRST_LINE_ONLY = re.compile(
    r"(?:previously )?untreated with (?:any )?(?:prior )?(?:systemic )?(?:anti-?cancer )?"
    r"(?:therapy|treatment) (?:for|in) (?:their |the )?(?:locally )?(?:advanced|metastatic)|"
    r"no prior (?:systemic |anti-?cancer )?(?:therapy|treatment|chemotherapy) (?:for|in the) "
    r"(?:the )?(?:locally )?(?:advanced|metastatic|recurrent)|previously untreated "
    r"(?:locally )?(?:advanced|metastatic|recurrent)",
    re.IGNORECASE,
)


_LINES_HINT = re.compile(
    r"\blines?\b|\bregimens?\b|untreated|(?:endocrine|hormonal) therapies|progress|"
    r"(?:prior|previous) chemotherap",
    re.IGNORECASE,
)


LINES_ALLOWANCE = re.compile(r"may have (?:received|had)|allowed|permitted|up to", re.IGNORECASE)


def _lines(
    text: str, taken: list[tuple[int, int]]
) -> tuple[Constraint | None, list[tuple[int, int]]]:
    """The number of prior lines of therapy a criterion allows or requires."""
    low: int | None = None
    high: int | None = None
    spans: list[tuple[int, int]] = []
    families: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    words: list[str] = []
    progressed = False
    if not _LINES_HINT.search(text):
        return None, spans
    ranges = [(m.start(), m.end()) for m in _LINES_FROM_TO.finditer(text)]
    for m in _LINES_RE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue  # counted as drugs ("2 endocrine agents")
        if any(a <= m.start() < b for a, b in ranges):
            continue  # the upper end of "between one and three regimens", read below
        what = m.group("what") or ""
        head = text[max(0, m.start() - 40) : m.start()]
        phrase = m.group(0)
        if re.search(r"\b(?:neo-?)?adjuvant\b", phrase + what) and not METASTATIC_SETTING.search(
            phrase + what
        ):
            continue
        num = m.group("num").lower()
        rng = re.fullmatch(r"(\d+)\s*(?:-|–|to|or)\s*(\d+)", num)
        more = (m.group("more") or "").strip().lower()
        lo: int | None
        hi: int | None
        if rng:
            first, second = int(rng.group(1)), int(rng.group(2))
            lo, hi = min(first, second), max(first, second)
        else:
            n = number(num)
            if n is None or n > 15:
                continue
            lo, hi = n, None
            if NOT_MORE_THAN_BEFORE.search(head):
                # "must not have received more than 3 lines": at most 3
                lo, hi = None, n
            elif AT_MOST_BEFORE.search(head) or more in ("or fewer", "or less"):
                strict = re.search(
                    r"(?:fewer than|less than|<)\s*(?:\w+\s+)?$", head, re.IGNORECASE
                )
                lo, hi = None, (n - 1 if strict else n)
            elif AT_LEAST_BEFORE.search(head):
                strict = re.search(
                    r"(?:more than|greater than|>|over)\s*(?:\w+\s+)?$", head, re.IGNORECASE
                )
                lo = n + 1 if strict else n
        if lo is not None:
            low = lo if low is None else max(low, lo)
        if hi is not None:
            high = hi if high is None else min(high, hi)
        spans.append((m.start(), m.end()))
        words.append(phrase.strip())
        scope_words = (phrase + what).lower()
        if ANTI_HER2.search(scope_words):
            families = ("anti_her2",)
            classes = ("her2_directed_adc",)  # T-DXd, T-DM1 are HER2-targeted therapy too
        elif "alkylat" in scope_words:
            # "a line of alkylating chemotherapy": cyclophosphamide's class, not any chemo
            families, classes = (), ("alkylating_agent",)
        elif re.search(r"chemo|cytotoxic", scope_words):
            families = ("chemotherapy",)
            if re.search(r"\badcs?\b|antibody[- ]drug conjugate", scope_words):
                families = ("chemotherapy", "adc")
        elif re.search(r"endocrine|hormon", scope_words):
            families = ("endocrine",)
    for m in _LINES_FROM_TO.finditer(text):
        a, b = number(m.group("a")), number(m.group("b"))
        if a is None or b is None or max(a, b) > 15:
            continue
        first, second = a, b
        low = min(first, second) if low is None else max(low, min(first, second))
        high = max(first, second) if high is None else min(high, max(first, second))
        spans.append((m.start(), m.end()))
        words.append(m.group(0))
        scope_words = m.group(0).lower()
        if re.search(r"chemo|cytotoxic", scope_words):
            families = ("chemotherapy",)
        elif re.search(r"endocrine|hormon", scope_words):
            families = ("endocrine",)
    for m in _LINES_BETWEEN.finditer(text):
        at_least, at_most = number(m.group("a")), number(m.group("b"))
        if at_least is None or at_most is None:
            continue
        below = bool(re.match(r"fewer|less|<", m.group("op"), re.IGNORECASE))
        low = at_least if low is None else max(low, at_least)
        top = at_most - 1 if below else at_most
        high = top if high is None else min(high, top)
        spans.append((m.start(), m.end()))
        words.append(m.group(0))
    after = _PROGRESSED_ON_PRIOR.search(text)
    if after:
        # "progression on or after the most recent systemic therapy": at least one line,
        # and the last one stopped working (or could not be taken)
        low = 1 if low is None else max(low, 1)
        progressed = True
        spans.append((after.start(), after.end()))
        words.append(after.group(0))
    untreated = _FIRST_LINE_ONLY.search(text)
    if untreated:
        high = 0 if high is None else min(high, 0)
        spans.append((untreated.start(), untreated.end()))
        words.append(untreated.group(0))
    if low is None and high is None:
        return None, spans
    return (
        Constraint(
            type="prior_lines",
            minimum=low,
            maximum=high,
            families=families,
            # HER2-directed ADCs (T-DXd, T-DM1) are HER2-targeted therapy too
            class_ids=classes,
            statuses=("progressed",) if progressed else (),
            setting="metastatic",
            words="; ".join(words),
        ),
        spans,
    )


# "at least two HER2-targeted agents", "no more than 2 prior endocrine drugs": a count of
# different drugs of a kind, not of lines
_AGENTS_RE = re.compile(
    r"(?<![\w/.-])(?P<num>" + NUM + r")\s*(?:\(\d+\)\s*)?(?:or more\s+)?"
    r"(?:prior\s+|previous\s+|different\s+|distinct\s+)*"
    r"(?P<kind>(?:anti-?\s?her-?2|her-?2[- ](?:targeted|directed|targeting)|endocrine|hormonal|"
    r"anti-?estrogen|cytotoxic|chemotherapy|chemotherapeutic)(?:[- ]based)?\s+"
    r"(?:agents?|drugs?|medications?))\b(?P<what>[^.;:]{0,60})",
    re.IGNORECASE,
)


_AGENTS_HINT = re.compile(r"\b(?:agents?|drugs?|medications?)\b", re.IGNORECASE)


def _agents(reading: Reading) -> tuple[Constraint | None, list[tuple[int, int]]]:
    """A count of different drugs of one kind (see `_AGENTS_RE`)."""
    text = reading.text
    if not _AGENTS_HINT.search(text):
        return None, []
    vocab = therapy_vocabulary(reading.kb)
    for m in _AGENTS_RE.finditer(text):
        n = number(m.group("num"))
        if n is None or n > 15:
            continue
        # the vocabulary knows "HER2-directed agents"; "drugs" and "medications" say the same
        kind = re.sub(r"(?:drugs?|medications?)$", "agents", m.group("kind"), flags=re.I)
        meaning = next(((c, f) for p, c, f in vocab.class_patterns if p.search(kind)), None)
        if meaning is None:
            continue
        head = text[max(0, m.start() - 40) : m.start()]
        low: int | None = n
        high: int | None = None
        if NOT_MORE_THAN_BEFORE.search(head) or AT_MOST_BEFORE.search(head):
            strict = re.search(r"(?:fewer than|less than|<)\s*(?:\w+\s+)?$", head, re.I)
            low, high = None, (n - 1 if strict else n)
        elif AT_LEAST_BEFORE.search(head) and re.search(
            r"(?:more than|greater than|>|over)\s*(?:\w+\s+)?$", head, re.IGNORECASE
        ):
            low = n + 1
        setting = "metastatic" if METASTATIC_SETTING.search(m.group("what")) else None
        constraint = Constraint(
            type="prior_lines",
            count="agents",
            minimum=low,
            maximum=high,
            class_ids=meaning[0],
            families=meaning[1],
            setting=setting,
            words=m.group(0).strip(),
        )
        return constraint, [(m.start(), m.end())]
    return None, []


def read_lines(reading: Reading) -> list[Constraint]:
    """The `prior_lines` constraint of a criterion, if any. The spans it read are claimed, so
    the therapy reader does not read "2 prior endocrine therapies" again as a therapy."""
    agents, agent_spans = _agents(reading)
    reading.claimed.extend(agent_spans)
    found = [agents] if agents is not None else []
    constraint, spans = _lines(reading.text, agent_spans)
    reading.claimed.extend(spans)
    if constraint is None:
        return found
    if (
        LINES_ALLOWANCE.search(sentence_of(reading.text, spans[0][0] if spans else 0))
        and constraint.maximum is None
        and constraint.minimum is not None
    ):
        # "may have received 1 prior chemotherapy regimen": a ceiling, not a requirement
        constraint = constraint.model_copy(update={"maximum": constraint.minimum, "minimum": None})
    return [constraint]
