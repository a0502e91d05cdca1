"""The summary packet renders to PDF for every example person: page one is not blank, holds
the two-minute summary, and the person's name is on every page (read back with poppler)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from nextline.examples import example_path
from nextline.knowledge import Knowledge
from nextline.record import load_record
from nextline.report import write_report
from tests.plan.conftest import VISIT_DAYS

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils missing: run scripts/system-deps",
)

PAGE_ONE = {
    "hr-positive-esr1": [
        "Maria (example)",
        "HR-positive, HER2-low",
        "ESR1",
        "letrozole + palbociclib",
        "2021-06-15",
        "cancer grew",
        "elacestrant",
        "Questions for this visit",
    ],
    "her2-positive-brain": [
        "Aisha (example)",
        "HR-negative, HER2-positive",
        "brain",
        "trastuzumab deruxtecan",
        "2023-12-11",
        "tucatinib",
        "Questions for this visit",
    ],
    "triple-negative-brca": [
        "Dana (example)",
        "HR-negative, HER2-zero (triple-negative)",
        "Call your care team now",
        "febrile neutropenia",
        "CPS 15",
        "BRCA1",
        "pembrolizumab + paclitaxel",
        "sacituzumab govitecan",
        "Questions for this visit",
    ],
}


@pytest.fixture(scope="module")
def pdfs(kb: Knowledge, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("reports")
    out = {}
    for person, day in VISIT_DAYS.items():
        record = load_record(example_path(person), kb, day)
        out[person] = write_report(record, kb, day, folder / f"{person}.pdf")
    return out


def _text(pdf: Path, first: int, last: int) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-f", str(first), "-l", str(last), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    line = next(x for x in info.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def test_page_one_is_a_picture_with_ink(pdfs: dict[str, Path], tmp_path: Path) -> None:
    from PIL import Image

    for person, pdf in pdfs.items():
        prefix = tmp_path / person
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "40",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(prefix),
            ],
            check=True,
        )
        image = Image.open(f"{prefix}.png").convert("L")
        dark = sum(image.histogram()[:128])
        share = dark / (image.width * image.height)
        # A blank page has no dark pixels; a full page of text and tables has a few percent.
        assert 0.01 < share < 0.5, (person, share)


def test_page_one_holds_the_two_minute_summary(pdfs: dict[str, Path]) -> None:
    for person, pdf in pdfs.items():
        text = " ".join(_text(pdf, 1, 1).split())
        missing = [expected for expected in PAGE_ONE[person] if expected not in text]
        assert missing == [], person


def test_the_persons_name_is_on_every_page(pdfs: dict[str, Path]) -> None:
    names = {
        "hr-positive-esr1": "Maria (example)",
        "her2-positive-brain": "Aisha (example)",
        "triple-negative-brca": "Dana (example)",
    }
    for person, pdf in pdfs.items():
        pages = _pages(pdf)
        assert pages >= 4, person
        without = [n for n in range(1, pages + 1) if names[person] not in _text(pdf, n, n)]
        assert without == [], person


def test_the_call_now_notice_comes_before_everything_but_the_name(
    pdfs: dict[str, Path],
) -> None:
    text = " ".join(_text(pdfs["triple-negative-brca"], 1, 1).split())
    assert text.index("Do not wait for your visit. Call your care team now.") < text.index(
        "Cancer type and markers"
    )


def test_html_report_is_written_whole(kb: Knowledge, tmp_path: Path) -> None:
    day = dt.date(2024, 8, 21)
    record = load_record(example_path("triple-negative-brca"), kb, day)
    out = write_report(record, kb, day, tmp_path / "dana.html")
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    assert html.count("data:image/svg+xml;base64,") == 4
    assert [p.name for p in tmp_path.iterdir()] == ["dana.html"]


def test_the_persons_own_questions_come_first_with_their_answers(
    kb: Knowledge, tmp_path: Path
) -> None:
    from nextline.record import build_record, read_patient_file, validate_patient_data
    from nextline.record.export import patient_file_data

    day = dt.date(2024, 8, 21)
    data = patient_file_data(read_patient_file(example_path("triple-negative-brca")))
    data["questions"] = [
        {"text": "Can I go to my sister's wedding in October?", "order": 2},
        {
            "text": "Is a break safe now?",
            "order": 1,
            "answered": True,
            "answer": "Not until the fever is treated.",
        },
    ]
    record = build_record(validate_patient_data(data), kb, day)
    html = write_report(record, kb, day, tmp_path / "dana.html").read_text(encoding="utf-8")
    own = html.index("<h2>My own questions</h2>")
    assert own < html.index("Is a break safe now?") < html.index("Can I go to my sister")
    assert "Not until the fever is treated." in html


def test_the_summary_fits_on_page_one(pdfs: dict[str, Path]) -> None:
    for person, pdf in pdfs.items():
        second = " ".join(_text(pdf, 2, 2).split())
        assert "Questions, with why each is suggested" in second[:120], person
