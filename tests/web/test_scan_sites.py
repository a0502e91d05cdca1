"""Scan lesion organs to metastatic sites: written many ways, offered only when not listed."""

from __future__ import annotations

import pytest

from nextline.record import PatientFile
from nextline.web.scan_sites import SeenSite, organ_site, scan_name, unconfirmed_sites


@pytest.mark.parametrize(
    ("organ", "site"),
    [
        ("liver", "liver"),
        ("Right lobe of the LIVER", "liver"),
        ("hepatic segment 7", "liver"),
        ("T12 vertebra", "bone"),
        ("L3", "bone"),
        ("left iliac bone", "bone"),
        ("ribs", "bone"),
        ("sacrum", "bone"),
        ("osseous, thoracic spine", "bone"),
        ("left lower lobe", "lung"),
        ("pulmonary nodule", "lung"),
        ("parietal pleura", "pleura"),
        ("pleural effusion at the lung base", "pleura"),
        ("right frontal lobe", "brain"),
        ("cerebellum", "brain"),
        ("leptomeningeal enhancement", "leptomeninges"),
        ("axillary lymph node", "lymph_nodes"),
        ("mediastinal", "lymph_nodes"),
        ("omental deposit", "peritoneum"),
        ("skin of the chest wall", "skin"),
        ("parietal peritoneum", "peritoneum"),
        ("pelvic peritoneal implant", "peritoneum"),
        ("right parietal lobe", "brain"),
        ("pelvic side wall", None),
        ("spinal cord", None),
        ("adrenal", None),
        ("ovary", None),
        ("", None),
        (None, None),
    ],
)
def test_an_organ_written_many_ways_names_its_site(organ: str | None, site: str | None) -> None:
    assert organ_site(organ) == site


def test_a_lesion_marked_as_a_node_is_a_lymph_node_whatever_its_organ() -> None:
    assert organ_site("neck", node=True) == "lymph_nodes"


def _file(metastases: list[dict], imaging: list[dict]) -> PatientFile:
    return PatientFile.model_validate(
        {
            "nextline": 1,
            "patient": {"id": "p", "sex": "female", "menopausal_status": "unknown"},
            "diagnosis": {},
            "metastases": metastases,
            "imaging": imaging,
        }
    )


def _scan(day: str, *lesions: dict) -> dict:
    return {"date": day, "modality": "CT", "lesions": list(lesions)}


def test_sites_seen_on_scans_and_not_listed_are_offered_once_from_the_first_scan() -> None:
    file = _file(
        [{"site": "bone"}],
        [
            _scan(
                "2025-11-20",
                {"id": "a", "organ": "liver", "role": "target", "longest_mm": 30},
                {"id": "b", "organ": "T10 vertebra", "role": "non_target"},
            ),
            _scan("2025-09-01", {"id": "a", "organ": "liver segment 4", "role": "target"}),
            _scan(
                "2025-12-01",
                {"id": "c", "organ": "lung", "role": "new", "longest_mm": 9},
                {"id": "d", "organ": "adrenal", "role": "new", "longest_mm": 12},
            ),
        ],
    )
    assert unconfirmed_sites(file) == [
        SeenSite("liver", "CT", "2025-09-01"),
        SeenSite("lung", "CT", "2025-12-01"),
    ]


def test_a_resolved_site_covers_scans_until_it_resolved_and_absent_lesions_are_not_offered() -> (
    None
):
    file = _file(
        [{"site": "liver", "since": "2023-01-01", "resolved": "2024-06-01"}],
        [
            _scan(
                "2024-01-10",
                {"id": "a", "organ": "liver", "role": "target", "longest_mm": 10},
                {"id": "b", "organ": "brain", "role": "non_target", "status": "absent"},
            )
        ],
    )
    assert unconfirmed_sites(file) == []
    back = file.model_copy(
        update={
            "imaging": [
                *file.imaging,
                *_file(
                    [], [_scan("2025-02-01", {"id": "z", "organ": "liver", "role": "new"})]
                ).imaging,
            ]
        }
    )
    assert unconfirmed_sites(back) == [SeenSite("liver", "CT", "2025-02-01")]


@pytest.mark.parametrize(
    ("modality", "name"),
    [("CT", "CT scan"), ("bone scan", "bone scan"), ("PET-CT", "PET-CT scan"), ("MRI", "MRI scan")],
)
def test_a_scan_is_named_once(modality: str, name: str) -> None:
    assert scan_name(modality) == name
    assert SeenSite("bone", modality, "2025-01-01").scan == name
