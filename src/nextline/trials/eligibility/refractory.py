"""Reader for "refractory to / intolerant of all standard therapy", "no standard therapy
available", "exhausted standard options", "relapsed or refractory": criteria (or titles)
that open a study only to people with no standard option left.

Why: such words used to be answered "met" because the cancer had spread. Whether standard
options remain is what the options engine knows, so the reader only names the constraint
(`standard_options`) and the matcher asks the engine: when options that fit remain, the
person does not meet it; otherwise it stays unknown (the study team decides).

Pure: text in, constraint out.
"""

from __future__ import annotations

import re

from nextline.trials.eligibility.models import Constraint

_NO_STANDARD = re.compile(
    r"refractory to (?:or intolerant (?:of|to) )?(?:all |any )?(?:available |approved |"
    r"established )?standard|"
    r"(?:intolerant (?:of|to)|unable to tolerate) (?:all |any )?(?:available )?standard|"
    r"\bno (?:other |further |effective |available |approved |curative |satisfactory )*"
    r"(?:standard(?:[- ]of[- ]care)? )?(?:therapy|therapies|treatments?|options?|alternatives?)"
    r"(?: options?)? (?:is |are )?(?:available|exists?|remain)|"
    r"\bfor whom no (?:\w+ ){0,3}(?:therapy|treatment|option)s? (?:exists?|is available|remain)|"
    r"no satisfactory alternative|"
    r"exhausted (?:all )?(?:available |approved )?(?:standard|treatment|therap)|"
    r"standard (?:of care |treatment |therapy )?(?:options )?(?:has|have) "
    r"(?:failed|been exhausted)|"
    r"(?:not|no longer) (?:a )?candidates? for (?:any )?(?:available )?standard|"
    r"relapsed(?: or |/| and/or )refractory",
    re.IGNORECASE,
)


# "... or where, in the investigator's opinion, a clinical trial is the best option", "must
# have received the standard therapy available to them ... unless declined": judgements the
# study team makes; while standard options remain they are unknown, not failed.
_TRIAL_BEST = re.compile(
    r"(?:opinion|judge?ment) of the investigator[^.;]{0,40}\b(?:trial|study)\b[^.;]{0,20}"
    r"best option|\b(?:trial|study) is the best (?:available )?option|"
    r"must have received (?:all )?(?:approved |available )?standard (?:of care )?"
    r"(?:therapy|therapies|treatments?)[^.;]{0,40}available",
    re.IGNORECASE,
)


def standard_options_constraint(text: str) -> Constraint | None:
    """`standard_options` when the text asks that no standard option be left (`soft` when
    the investigator may judge a trial the better choice anyway)."""
    m = _NO_STANDARD.search(text) or _TRIAL_BEST.search(text)
    if m is None:
        return None
    return Constraint(
        type="standard_options", words=m.group(0), soft=bool(_TRIAL_BEST.search(text))
    )
