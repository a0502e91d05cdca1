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


# "must be receiving or plan to receive first-line treatment", "enrolled before or during
# first line", "planned to initiate first-line therapy", "registered ... after the start of
# first-line treatment": no line for advanced disease has ended yet (one may be running)
_FIRST_LINE_NOW = re.compile(
    r"\b(?:(?:be\s+)?receiving|receive|initiat(?:e|ing|ion of)|start(?:ing)?|begin(?:ning)?|"
    r"(?:the )?start of|before or during|during or before)\s+(?:\w+[- ]){0,5}?"
    r"first[- ]line\b(?:[^.;:]{0,60}?\b(?:treatment|therapy|regimen)\b"
    r"(?:\s+(?:for|in)\s+(?:the\s+)?(?:metastatic|advanced)\s+"
    r"(?:disease|setting|breast cancer))?)?",
    re.IGNORECASE,
)
# "registered ... between 14 days prior to and 60 days after start of first-line systemic
# treatment": a window that closes N days after the first line began
_FIRST_LINE_WINDOW = re.compile(
    r"\b(?:and|to|within)\s+(?P<days>\d{1,3})\s+days\s+(?:after|following|of)\s+(?:the\s+)?"
    r"(?:start|initiation|beginning)\s+of\s+(?:\w+[- ]){0,3}?first[- ]line\b",
    re.IGNORECASE,
)
# "plans to consider results in either first- or second-line therapy": at most one line
# for advanced disease has ended
_FIRST_OR_SECOND = re.compile(
    r"\b(?:either )?first[- ]?(?:line)? or second[- ]line (?:therapy|treatment|setting)",
    re.IGNORECASE,
)
# "have not yet initiated cancer treatment": no treatment at all so far
_NOT_YET_TREATED = re.compile(
    r"\b(?:have|has) not (?:yet )?(?:initiated|started|begun|received) (?:any )?"
    r"(?:cancer |anti-?cancer |systemic )?(?:treatment|therapy)",
    re.IGNORECASE,
)
# "one of the following newly diagnosed cancers: breast cancer": a cancer just found
_NEWLY_DIAGNOSED = re.compile(
    r"\bnewly diagnosed\b(?![^.;]{0,20}\b(?:brain|cns|leptomening|metasta))"
    r"(?=[^.;]{0,60}\b(?:cancers?|carcinoma|breast)\b)",
    re.IGNORECASE,
)
# "Any line of therapy allowed": no count at all
_ANY_LINE = re.compile(
    r"\bany (?:number of )?(?:prior )?lines? of (?:prior )?(?:therapy|treatment)\s+"
    r"(?:is |are )?(?:allowed|permitted|eligible|acceptable)",
    re.IGNORECASE,
)

_LINES_HINT = re.compile(
    r"\blines?\b|\bregimens?\b|untreated|(?:endocrine|hormonal) therapies|progress|"
    r"(?:prior|previous) chemotherap",
    re.IGNORECASE,
)


_HINTS = (_LINES_HINT, _FIRST_LINE_NOW, _FIRST_OR_SECOND, _NOT_YET_TREATED, _NEWLY_DIAGNOSED)

LINES_ALLOWANCE = re.compile(r"may have (?:received|had)|allowed|permitted|up to", re.IGNORECASE)


def _lines(
    text: str, taken: list[tuple[int, int]], section: str = "inclusion"
) -> tuple[Constraint | None, list[tuple[int, int]]]:
    """The number of prior lines of therapy a criterion allows or requires."""
    low: int | None = None
    high: int | None = None
    spans: list[tuple[int, int]] = []
    families: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    words: list[str] = []
    progressed = False
    finished_only = False
    if not any(p.search(text) for p in _HINTS):
        return None, spans
    any_line = _ANY_LINE.search(text)
    if any_line:
        spans.append((any_line.start(), any_line.end()))
    ranges = [(m.start(), m.end()) for m in _LINES_FROM_TO.finditer(text)]
    for m in _LINES_RE.finditer(text):
        if any_line and any_line.start() <= m.start() < any_line.end():
            continue
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
        elif re.search(r"non-?(?:endocrine|hormonal)", scope_words):
            # "lines of non-endocrine-based therapy": chemotherapy and the like, not the
            # targeted drugs given with hormone therapy (CDK4/6, PI3K, mTOR inhibitors)
            families = ("chemotherapy", "adc", "immunotherapy", "anti_her2")
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
    first_line = _FIRST_LINE_NOW.search(text)
    window = _FIRST_LINE_WINDOW.search(text) if first_line else None
    if first_line and low is None and high is None:
        high = 0
        # "planned to initiate first-line therapy": not started yet; "receiving or plan to
        # receive", "during", "after the start of": one may be running now
        finished_only = not re.match(
            r"initiate\b|start(?:ing)?\b(?!\s+of)|begin", first_line.group(0), re.I
        )
        spans.append((first_line.start(), first_line.end()))
        words.append(first_line.group(0))
    either = _FIRST_OR_SECOND.search(text)
    if either and low is None and high is None:
        high, finished_only = 1, True
        spans.append((either.start(), either.end()))
        words.append(either.group(0))
    not_yet = _NOT_YET_TREATED.search(text)
    if not_yet and high is None:
        high = 0
        spans.append((not_yet.start(), not_yet.end()))
        words.append(not_yet.group(0))
    newly = _NEWLY_DIAGNOSED.search(text) if section == "inclusion" else None
    if newly and low is None and high is None:
        # "newly diagnosed breast cancer, planning treatment": no treatment of the spread
        # cancer has ended yet (a first one may have just begun)
        high, finished_only = 0, True
        spans.append((newly.start(), newly.end()))
        words.append(newly.group(0))
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
            # "finished": only lines that have ended count (one running now is the first)
            statuses=("progressed",) if progressed else ("finished",) if finished_only else (),
            setting="metastatic",
            # the window after the first line's start: that line began at most this long ago
            within_days=int(window.group("days")) if window else None,
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


# an exclusion "Any line of endocrine-based therapy for metastatic disease": one such line
_ANY_LINE_EXCLUDES = re.compile(
    r"^\W*(?:any|one or more) (?:prior )?lines? of (?P<what>[^.;]{0,80})", re.IGNORECASE
)


def _any_line_excludes(text: str) -> Constraint | None:
    m = _ANY_LINE_EXCLUDES.match(text)
    if m is None:
        return None
    what = m.group("what").lower()
    families: tuple[str, ...] = ()
    if re.search(r"endocrine|hormon", what):
        families = ("endocrine",)
    elif re.search(r"chemo|cytotoxic", what):
        families = ("chemotherapy",)
    return Constraint(
        type="prior_lines",
        minimum=1,
        families=families,
        setting="metastatic",
        words=m.group(0).strip(),
    )


def read_lines(reading: Reading) -> list[Constraint]:
    """The `prior_lines` constraint of a criterion, if any. The spans it read are claimed, so
    the therapy reader does not read "2 prior endocrine therapies" again as a therapy."""
    agents, agent_spans = _agents(reading)
    reading.claimed.extend(agent_spans)
    found = [agents] if agents is not None else []
    constraint, spans = _lines(reading.text, agent_spans, reading.section)
    reading.claimed.extend(spans)
    if constraint is None and reading.section == "exclusion":
        constraint = _any_line_excludes(reading.text)
    if constraint is None:
        return found
    if (
        LINES_ALLOWANCE.search(sentence_of(reading.text, spans[0][0] if spans else 0))
        and not _ANY_LINE.search(reading.text)  # "any line allowed": what else is asked stays
        and constraint.maximum is None
        and constraint.minimum is not None
    ):
        # "may have received 1 prior chemotherapy regimen": a ceiling, not a requirement
        constraint = constraint.model_copy(update={"maximum": constraint.minimum, "minimum": None})
    return [constraint]
