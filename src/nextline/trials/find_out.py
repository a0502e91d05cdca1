"""What would settle a criterion that cannot be answered, in plain words: the lines of a
match's `to_find_out` ("Your HER2 result (the IHC score, and the ISH result if the score was
2+)").

Why its own module: the catalog is prepared once (`prepared.py`) with each criterion's line
worked out ahead, and the matcher (`matching.py`) adds a few of its own; both read this
table, so neither imports the other. Pure.
"""

from __future__ import annotations

from nextline.knowledge import Knowledge
from nextline.trials.eligibility import Criterion

# What to find out, per constraint type, in plain words.
FIND_OUT = {
    "condition": "Whether this study takes people with breast cancer (ask the study team)",
    "disease_stage": "Whether the cancer has spread (the stage), from your care team",
    "disease_stage_unstated": "Whether this study takes people whose cancer has spread "
    "(ask the study team)",
    "hormone_receptor": "Your hormone receptor (ER and PR) results from a biopsy",
    "her2": "Your HER2 result (the IHC score, and the ISH result if the score was 2+)",
    "triple_negative": "Your ER, PR and HER2 results from a biopsy",
    "prior_therapy": "The names and dates of every cancer treatment you have had",
    "prior_lines": "How many treatments you have had since the cancer spread",
    "brain_metastases": "Whether any brain metastases are treated and stable (a recent brain MRI)",
    "measurable_disease": "Whether your latest scan shows a tumor that can be measured "
    "(RECIST 1.1), from your care team",
    "disease_site": "Where the cancer has spread, and where most of it is, from your latest scans",
    "since_diagnosis": "When the cancer was first found (the date of diagnosis)",
    "comorbidity": "Your other health conditions (HIV, hepatitis B, any other cancer and when "
    "it was treated), from your care team",
    "performance_status": "Your current performance status (ECOG) from your care team",
    "age": "Your date of birth",
    "sex": "Your sex as recorded",
    "menopausal_status": "Your menopausal status",
    "standard_options": "Whether any standard treatment that fits you is left (ask your care "
    "team; this study is for people with none left)",
    "symptoms": "Your recent symptom scores (pain, tiredness, distress, 0 to 10), from your "
    "care team",
    "tumor_profiling": "Whether a genomic (NGS) test of your tumor has been done, and when, "
    "from your care team",
    "biomarker": "A test of the tumor for the marker this study looks for (ask the study team "
    "which test)",
}


def find_out_words(criterion: Criterion, kb: Knowledge) -> str:
    """What would settle a criterion that cannot be answered, in plain words."""
    types: list[str] = [c.type for c in criterion.constraints] or list(criterion.topics)
    kind = types[0] if types else "text"
    for constraint in criterion.constraints:
        if constraint.type == "alteration":
            genes = ", ".join(constraint.genes)
            if constraint.germline:
                return f"An inherited (germline) gene test that includes {genes}"
            return f"A tumor or blood (liquid biopsy) test for changes in {genes}"
        if constraint.type == "lab":
            test = kb.lab_tests.get(constraint.test_id or "")
            return f"A recent {test.name if test else 'blood test'} result"
        if constraint.type == "performance_status" and constraint.scale == "karnofsky":
            return "Your current Karnofsky performance score from your care team"
    if kind in FIND_OUT:
        return FIND_OUT[kind]
    short = criterion.text if len(criterion.text) <= 140 else criterion.text[:137] + "..."
    return f"Ask the study team: {short}"
