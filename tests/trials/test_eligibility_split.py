"""Splitting real eligibility texts into inclusion and exclusion criteria."""

from __future__ import annotations

from nextline.trials.eligibility.split import clean_text, split_criteria


def test_headings_bullets_and_numbering_split_into_sections() -> None:
    text = (
        "Key Inclusion Criteria:\n\n* Age ≥ 18 years\n* ECOG 0-1\n\n"
        "Key Exclusion Criteria:\n\n1. Active brain metastases\n2. Prior fulvestrant\n"
    )
    criteria, unsectioned = split_criteria(text)
    assert unsectioned is False
    assert [(c.section, c.text) for c in criteria] == [
        ("inclusion", "Age ≥ 18 years"),
        ("inclusion", "ECOG 0-1"),
        ("exclusion", "Active brain metastases"),
        ("exclusion", "Prior fulvestrant"),
    ]


def test_heading_spellings_are_recognised() -> None:
    for heading, section in [
        ("INCLUSION CRITERIA:", "inclusion"),
        ("Inclusion Criteria", "inclusion"),
        ("* INCLUSION CRITERIA:", "inclusion"),
        ("EXCLUSION CRITERIA:", "exclusion"),
        ("Exclusion:", "exclusion"),
        ("Main Exclusion Criteria:", "exclusion"),
    ]:
        criteria, _ = split_criteria(f"{heading}\n\n* Female sex\n")
        assert [(c.section, c.text) for c in criteria] == [(section, "Female sex")], heading


def test_text_without_headings_is_all_inclusion_and_says_so() -> None:
    criteria, unsectioned = split_criteria("Women aged 18 or older.\n\nNo prior chemotherapy.")
    assert unsectioned is True
    assert [c.section for c in criteria] == ["inclusion", "inclusion"]


def test_nested_items_keep_their_parent_and_cohort() -> None:
    text = (
        "Inclusion Criteria:\n\n* Cohort A:\n  * HER2-positive breast cancer\n"
        "* Adequate organ function:\n  * ANC ≥ 1,500/mcL\n"
    )
    criteria, _ = split_criteria(text)
    by_text = {c.text: c for c in criteria}
    assert by_text["HER2-positive breast cancer"].group == "Cohort A:"
    assert by_text["HER2-positive breast cancer"].cohort == "Cohort A"
    assert by_text["ANC ≥ 1,500/mcL"].group == "Adequate organ function:"
    assert by_text["ANC ≥ 1,500/mcL"].cohort is None


def test_children_of_a_conditional_parent_are_scoped() -> None:
    text = (
        "Inclusion Criteria:\n\n* If the patient has ER+ metastatic breast cancer:\n"
        "  * patient must have had 1 prior line of endocrine therapy\n"
    )
    criteria, _ = split_criteria(text)
    assert criteria[1].cohort == "If the patient has ER+ metastatic breast cancer"


def test_label_prefix_marks_a_cohort() -> None:
    criteria, _ = split_criteria("Inclusion Criteria:\n\n* Cohort 3: triple negative breast cancer")
    assert criteria[0].cohort == "Cohort 3"


def test_escapes_and_entities_are_undone() -> None:
    assert clean_text("ANC \\>= 1.5 and bilirubin =\\< 1.5 x ULN") == (
        "ANC ≥ 1.5 and bilirubin ≤ 1.5 x ULN"
    )
    assert clean_text("ER/PR&amp;amp;amp;lt; 10%") == "ER/PR< 10%"
    assert clean_text("see \\[1\\]") == "see [1]"


def test_none_under_a_heading_is_not_a_criterion() -> None:
    criteria, _ = split_criteria("Inclusion Criteria:\n\n* Adults\n\nExclusion Criteria:\n\nNone")
    assert [c.text for c in criteria] == ["Adults"]
