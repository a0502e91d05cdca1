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


TEN_LINES = [
    (["letrozole", "palbociclib"], "PR"),
    (["fulvestrant", "abemaciclib"], None),
    (["exemestane", "everolimus"], "SD"),
    (["capecitabine"], "SD"),
    (["trastuzumab deruxtecan"], "PR"),
    (["sacituzumab govitecan"], None),
    (["eribulin"], "PD"),
    (["paclitaxel"], "SD"),
    (["fulvestrant", "alpelisib"], "SD"),
    (["elacestrant"], None),
]


def _ten_line_record(kb: Knowledge, person: str):
    """An example record with ten lines of therapy for spread cancer, the last one running
    and the last day of its record (scans, labs) on or before the visit."""
    from nextline.record.parse import read_patient_data
    from nextline.record.validate import validate_record

    data = read_patient_data(example_path(person))
    kept = [t for t in data["therapies"] if t.get("setting") != "metastatic" or t.get("kind")]
    start = data["diagnosis"]["metastatic_since"] + dt.timedelta(days=10)
    for number, (drugs, best) in enumerate(TEN_LINES, start=1):
        stop = start + dt.timedelta(days=110)
        line: dict = {"setting": "metastatic", "drugs": drugs, "start": start}
        if number < len(TEN_LINES):
            line |= {"stop": stop, "stop_reason": "progression"}
        if best:
            line["best_response"] = best
        kept.append(line)
        start = stop + dt.timedelta(days=7)
    data["therapies"] = kept
    day = max(start + dt.timedelta(days=30), VISIT_DAYS[person])
    return validate_record(data, kb, day, "ten-lines"), day


@pytest.mark.parametrize("person", sorted(VISIT_DAYS))
def test_page_one_fits_with_ten_lines_of_therapy(
    kb: Knowledge, tmp_path: Path, person: str
) -> None:
    record, day = _ten_line_record(kb, person)
    assert len(record.lines_as_of(day)) == 10
    pdf = write_report(record, kb, day, tmp_path / "ten.pdf")
    first = " ".join(_text(pdf, 1, 1).split())
    second = " ".join(_text(pdf, 2, 2).split())
    assert "Questions, with why each is suggested" in second[:120]
    assert "Questions for this visit" in first
    # Page one holds the newest lines and says where the rest are; the rest are all there.
    for drugs, _ in TEN_LINES[-4:]:
        assert " + ".join(drugs) in first, drugs
    assert "letrozole + palbociclib" not in first
    assert "The newest 4 of 10 lines" in first
    rest = " ".join(_text(pdf, 2, _pages(pdf)).split())
    assert "Every line of treatment for the spread cancer (all 10)" in rest
    for drugs, _ in TEN_LINES:
        assert " + ".join(drugs) in rest, drugs
    assert "Shrank (PR)" in rest  # the record's own best response, in words


def test_a_table_row_is_never_split_across_pages() -> None:
    css = (Path(__file__).parents[2] / "src/nextline/report/templates/report.css").read_text()
    assert "tr { break-inside: avoid; }" in css
