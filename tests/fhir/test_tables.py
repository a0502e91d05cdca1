"""The offline code tables: every row sourced, every drug known, and the public data covered."""

from __future__ import annotations

import csv

from nextline.fhir.tables import load_tables
from nextline.knowledge import Knowledge
from tests.fhir.helpers import DATA


def test_codes_arrive_at_every_level_and_map_to_the_ingredient(kb: Knowledge) -> None:
    tables = load_tables(kb)
    assert tables.drug_for_rxnorm("1601374") == "palbociclib"  # ingredient, from drugs.yaml
    assert tables.drug_for_rxnorm("1601380") == "palbociclib"  # clinical drug
    assert tables.drug_for_rxnorm("1946840") == "abemaciclib"  # branded drug (Verzenio)
    assert tables.drug_for_rxnorm("1156671") == "fulvestrant"  # dose-form group
    assert tables.drug_for_rxnorm("349472") is None  # gefitinib: not a drug nextline knows


def test_every_cancer_drug_code_in_the_synthea_cohort_is_mapped(kb: Knowledge) -> None:
    tables = load_tables(kb)
    path = DATA / "synthea-breast-cancer-cohort-csv" / "medications.csv"
    with path.open(encoding="utf-8") as handle:
        rows = {(r["CODE"], r["DESCRIPTION"]) for r in csv.DictReader(handle)}
    missing = []
    for code, description in sorted(rows):
        lowered = description.lower()
        named = [
            d.id
            for d in kb.drugs.values()
            if any(n.lower() in lowered for n in [d.name, *d.brands] if len(n) > 4)
        ]
        mapped = tables.drug_for_rxnorm(code)
        contains = set(kb.drugs[mapped].contains) if mapped else set()
        if named and mapped not in named and not contains & set(named):
            missing.append((code, description, named))
    assert missing == []
    assert tables.drug_for_rxnorm("2119714") == "trastuzumab_hyaluronidase"
