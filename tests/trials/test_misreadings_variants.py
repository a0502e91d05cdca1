"""Issue 18, a gene matched where the trial requires one variant: "TP53 Y220C", "KRAS G12C",
"PIK3CA H1047R", "ESR1 Y537S", "HER2 exon 20 insertion". The constraint carries the variant;
a different variant does not meet it; a gene change whose variant the record does not give
is unknown, never met. Every case failed before the fix."""

from __future__ import annotations

from typing import Any

import pytest

from nextline.knowledge import Knowledge
from nextline.trials.eligibility.extract import read_criterion
from nextline.trials.eligibility.split import RawCriterion
from tests.trials.test_matching import criterion, make_record, make_trial, match_one

BASE_TEST: dict[str, Any] = {
    "date": "2022-01-10",
    "er": {"result": "positive", "percent": 90},
    "pr": {"result": "positive", "percent": 30},
    "her2": {"ihc": "1+"},
}


def _with_variant(gene: str, alteration: str | None) -> list[dict[str, Any]]:
    variant: dict[str, Any] = {"gene": gene, "origin": "somatic"}
    if alteration is not None:
        variant["alteration"] = alteration
    return [BASE_TEST, {"date": "2024-05-01", "variants": [variant]}]


def _verdict(
    kb: Knowledge, text: str, tests: list[dict[str, Any]], section: str = "Inclusion"
) -> str:
    trial = make_trial(f"{section} Criteria:\n\n* {text}\n")
    found = match_one(make_record(kb, tumor_tests=tests), trial, kb)
    return str(criterion(found, text[:30]).verdict)


def _read(kb: Knowledge, text: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    read = read_criterion(RawCriterion(text=text, section="inclusion", group=None, cohort=None), kb)
    return [(c.genes, c.variants) for c in read.constraints if c.type == "alteration"]


@pytest.mark.parametrize(
    ("text", "gene", "variant"),
    [
        (
            "Locally advanced or metastatic solid malignancy with a TP53 Y220C mutation",
            "TP53",
            "Y220C",
        ),
        (
            "Documentation of KRAS-G12C mutation(s) detected from tumor tissue or liquid biopsy",
            "KRAS",
            "G12C",
        ),
        ("Tumor harbors a PIK3CA H1047R mutation (tissue or ctDNA)", "PIK3CA", "H1047R"),
        ("ESR1 p.Y537S mutation detected in ctDNA", "ESR1", "Y537S"),
        ("Confirmed BRAF V600E mutation-positive tumor", "BRAF", "V600E"),
        ("Documented HER2 exon 20 insertion mutation", "ERBB2", "exon 20 insertion"),
        ("Evidence of ERBB2 exon 20 insertions by NGS", "ERBB2", "exon 20 insertion"),
    ],
)
def test_a_named_variant_is_carried_by_the_constraint(
    kb: Knowledge, text: str, gene: str, variant: str
) -> None:
    assert _read(kb, text) == [((gene,), (variant,))]


@pytest.mark.parametrize(
    "text",
    [
        "Documented PIK3CA mutation in tumor tissue",
        "Presence of an activating ESR1 mutation",
        "Germline BRCA1 or BRCA2 pathogenic variant",
    ],
)
def test_a_gene_without_a_variant_carries_none(kb: Knowledge, text: str) -> None:
    assert all(variants == () for _, variants in _read(kb, text))


@pytest.mark.parametrize(
    ("text", "gene", "recorded"),
    [
        ("Solid tumor with a TP53 Y220C mutation", "TP53", "R175H"),
        ("Tumor harbors a KRAS G12C mutation", "KRAS", "G12D"),
        ("PIK3CA H1047R mutation detected in tumor tissue", "PIK3CA", "E545K"),
        ("ESR1 Y537S mutation in ctDNA", "ESR1", "p.D538G"),
        ("HER2 exon 20 insertion mutation", "ERBB2", "L755S"),
    ],
)
def test_a_different_variant_does_not_meet_it(
    kb: Knowledge, text: str, gene: str, recorded: str
) -> None:
    assert _verdict(kb, text, _with_variant(gene, recorded)) == "not_met"


@pytest.mark.parametrize(
    ("text", "gene", "recorded"),
    [
        ("Solid tumor with a TP53 Y220C mutation", "TP53", "Y220C"),
        ("Tumor harbors a KRAS G12C mutation", "KRAS", "p.G12C"),
        ("PIK3CA H1047R mutation detected in tumor tissue", "PIK3CA", "c.3140A>G (p.His1047Arg)"),
        ("ESR1 Y537S mutation in ctDNA", "ESR1", "y537s"),
        ("HER2 exon 20 insertion mutation", "ERBB2", "exon 20 insertion"),
    ],
)
def test_the_same_variant_meets_it(kb: Knowledge, text: str, gene: str, recorded: str) -> None:
    assert _verdict(kb, text, _with_variant(gene, recorded)) == "met"


@pytest.mark.parametrize(
    ("text", "gene"),
    [
        ("Solid tumor with a TP53 Y220C mutation", "TP53"),
        ("Tumor harbors a KRAS G12C mutation", "KRAS"),
        ("ESR1 Y537S mutation in ctDNA", "ESR1"),
    ],
)
def test_a_gene_change_of_unknown_variant_is_to_find_out(
    kb: Knowledge, text: str, gene: str
) -> None:
    assert _verdict(kb, text, _with_variant(gene, None)) == "unknown"
    assert _verdict(kb, text, _with_variant(gene, "mutated")) == "unknown"


def test_a_variant_exclusion_is_not_triggered_by_another_variant(kb: Knowledge) -> None:
    text = "Known KRAS G12C mutation"
    assert _verdict(kb, text, _with_variant("KRAS", "G12V"), section="Exclusion") == "not_met"
    assert _verdict(kb, text, _with_variant("KRAS", "G12C"), section="Exclusion") == "met"


def test_a_codon_wildcard_takes_any_change_at_that_codon(kb: Knowledge) -> None:
    text = "Tumor with a KRAS G12X mutation"
    assert _verdict(kb, text, _with_variant("KRAS", "G12D")) != "not_met"
    assert _verdict(kb, text, _with_variant("KRAS", "Q61H")) == "not_met"


def test_any_gene_change_still_meets_a_gene_level_criterion(kb: Knowledge) -> None:
    text = "Documented ESR1 mutation in ctDNA"
    assert _verdict(kb, text, _with_variant("ESR1", "Y537S")) == "met"


def test_either_of_two_variants_of_one_gene_is_one_alternative(kb: Knowledge) -> None:
    text = "Solid tumor malignancy with either a KRAS G12C or KRAS G12S mutation."
    assert _read(kb, text) == [(("KRAS",), ("G12C", "G12S"))]
    assert _verdict(kb, text, _with_variant("KRAS", "G12S")) == "met"


@pytest.mark.parametrize(
    "text",
    [
        "Prior treatment with KRAS G12C tyrosine kinase inhibitor.",
        "Previous treatment with a KRAS G12D inhibitor or pan-RAS inhibitor",
        "Prior therapy targeting KRAS G12C (e.g., sotorasib)",
    ],
)
def test_a_variant_named_as_a_drug_target_is_not_a_tumour_finding(kb: Knowledge, text: str) -> None:
    assert _read(kb, text) == []


def test_a_sentence_binding_only_patients_with_one_variant_is_not_asked_of_everyone(
    kb: Knowledge,
) -> None:
    # real wording (NCT05327010): the second sentence binds only KRAS G12C carriers
    text = (
        "Patients must have KRAS mutated advanced solid tumors. Patients with KRAS G12C "
        "mutations must have already had KRAS G12C targeted therapy (e.g., sotorasib) previously"
    )
    assert _verdict(kb, text, _with_variant("KRAS", "G12D")) != "not_met"


@pytest.mark.parametrize(
    ("text", "recorded"),
    [
        # the hotspot point changes are exon mutations (therascreen PIK3CA label: exon 9 E542K,
        # E545A/D/G/K; exon 20 H1047L/R/Y): never "not met", asked about when the exon is not said
        ("Documented PIK3CA exon 20 mutation", "H1047R"),
        ("Documented PIK3CA exon 9 mutation", "E545K"),
        ("PIK3CA mutation in exon 9 or exon 20", "p.His1047Arg"),
    ],
)
def test_a_point_change_is_not_ruled_out_by_an_exon_mutation_criterion(
    kb: Knowledge, text: str, recorded: str
) -> None:
    assert _verdict(kb, text, _with_variant("PIK3CA", recorded)) != "not_met"


def test_a_point_change_still_does_not_meet_an_exon_insertion(kb: Knowledge) -> None:
    text = "HER2 exon 20 insertion mutation"
    assert _verdict(kb, text, _with_variant("ERBB2", "S310F")) == "not_met"
