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
    r"relapsed(?: or |/| and/or )refractory|"
    # "no available therapeutic options known to confer clinical benefit", "no standard
    # therapeutic option" (but "no curative treatment options" is true of every metastatic
    # breast cancer, and says nothing about standard treatment)
    r"\bno (?:other |further |effective |available |approved |satisfactory )*"
    r"(?:standard(?:[- ]of[- ]care)? )?(?:therapeutic|treatment) (?:options?|alternatives?)\b|"
    r"\bno (?:other |further |effective |available |approved )*standard(?:[- ]of[- ]care)? "
    r"(?:options?|alternatives?)\b|"
    # "standard of care therapy that prolongs survival is unavailable or unsuitable"
    r"(?:standard|conventional)(?:[- ]of[- ]care)? (?:therapy|therapies|treatments?)"
    r"(?: \w+){0,4} (?:is|are) (?:unavailable|unsuitable|not available|not suitable|"
    r"not appropriate|contraindicated)|"
    # "for whom conventional therapy is not effective or tolerable"
    r"(?:standard|conventional|established)(?: of care)? (?:systemic )?(?:therapy|therapies|"
    r"treatments?) (?:is|are|has been|have been|was|were) (?:not|no longer) (?:effective|"
    r"tolerable|tolerated|available|appropriate|suitable|an option)|"
    r"(?:not amenable|unresponsive|resistant) to (?:all |any )?(?:available |approved )?"
    r"(?:standard|conventional)|"
    r"(?:failed|failure of|progressed (?:on|after|despite|following)) all (?:available |"
    r"approved |established )?(?:standard|conventional)|"
    # "for which standard curative or palliative measures do not exist or are no longer
    # effective"
    r"standard (?:curative or palliative |palliative or curative )?(?:measures|therapy|"
    r"therapies|treatments?) (?:do(?:es)? not exist|(?:is|are) no longer effective)",
    re.IGNORECASE,
)

# "have progressed despite standard therapies", "after failure of standard therapy": often
# no option left, but "progressed on standard therapy" can also mean one line; while standard
# options remain, such a criterion is asked about (unknown), never failed.
_AFTER_STANDARD = re.compile(
    r"no longer benefit\w* from (?:the |their )?standard|"
    r"(?:failed|failure of|progress\w* (?:on|after|despite|following|through)) "
    r"(?:the |their |prior )?"
    r"(?:available |approved |established )?(?:standard|conventional)(?: of care)? "
    r"(?:systemic )?(?:therapy|therapies|treatments?|regimens?)",
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
    m = _NO_STANDARD.search(text) or _TRIAL_BEST.search(text) or _AFTER_STANDARD.search(text)
    if m is None:
        return None
    hard = _NO_STANDARD.search(text)
    return Constraint(
        type="standard_options",
        words=m.group(0),
        soft=hard is None or bool(_TRIAL_BEST.search(text)),
    )
