"""Every sentence the summary packet shows a person, besides the knowledge files' own text.

Kept here, not scattered through the HTML template, so a test can check each one's reading
level (grade 8 or below, medical terms in brackets beside the plain words).
"""

from __future__ import annotations

PHRASES: dict[str, str] = {
    "frame": (
        "This summary helps you and your care team talk. It does not decide anything. "
        "Your care team knows you best."
    ),
    "page_one_intro": "A short summary for the care team, made from the person's own record.",
    "status_missing": "The check of how the treatment is working is not available yet.",
    "options_missing": "The list of treatment choices is not available yet.",
    "trials_missing": (
        "The search for clinical trials was not run for this summary. Ask your team about trials."
    ),
    "no_trials": "No trial in the list fits well enough to suggest. Ask your team about trials.",
    "no_options_fit": "No choice was found that clearly fits. Ask your team what comes next.",
    "no_lines": "No treatment for the spread cancer is recorded yet.",
    "no_sites": "No place where the cancer has spread is recorded.",
    "no_milestones": (
        "No planned scans, tests or visits are recorded. Ask your team when the next ones are."
    ),
    "no_signals": "No treatment is running now, so there are no signs to watch for a change yet.",
    "goals_none": "No goals are recorded yet. You can add what matters most to you.",
    "tradeoffs_none": "There is no choice that clearly fits yet, so there is nothing to compare.",
    "questions_intro": (
        "Bring these questions to your next visit. Each one says why it is suggested. "
        "You can add your own, change the order and write down the answers."
    ),
    "each_option_intro": "For each choice below, you can also ask:",
    "red_flag_intro": "Do not wait for your visit. Call your care team now.",
    "charts_intro": "These charts show your record over time. Patterns mean more than one number.",
    "markers_note": (
        "A tumor marker (a protein in the blood) can rise for many reasons. "
        "Your team reads it together with scans."
    ),
    "sources_intro": "Where the facts in this summary come from.",
    "unknown": "not known",
}
