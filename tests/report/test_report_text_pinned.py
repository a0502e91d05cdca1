"""The words of every page of each example's PDF report are pinned: a speed-up (charts,
fonts, layout) must not change what a person or their care team reads.

The golden files in `golden/` hold `pdftotext -layout` of every page, pages separated by a
form feed. When a change to the report's words is intended (a new phrase, a knowledge
change reaching page one), rewrite them with
`.venv/bin/python -m tests.report.test_report_text_pinned` and review the diff.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason="poppler-utils missing: run scripts/system-deps",
)


def page_texts(pdf: Path) -> list[str]:
    """The text of each page, laid out as on the page (trailing spaces dropped)."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return ["\n".join(line.rstrip() for line in page.splitlines()) for page in pages]


def _golden(person: str) -> Path:
    return GOLDEN / f"{person}.txt"


def test_every_page_reads_the_same_as_the_pinned_text(pdfs: dict[str, Path]) -> None:
    assert sorted(pdfs) == sorted(p.stem for p in GOLDEN.glob("*.txt"))
    for person, pdf in pdfs.items():
        pinned = _golden(person).read_text(encoding="utf-8").split("\f")
        pages = page_texts(pdf)
        assert len(pages) == len(pinned), person
        changed = [n for n, (a, b) in enumerate(zip(pages, pinned, strict=True), 1) if a != b]
        assert changed == [], (person, changed)


def test_the_pinned_text_is_the_text_first_pinned() -> None:
    """The golden files' digest, recorded before the report was made faster: an accidental
    rewrite of the golden files is caught here too (update both together, on purpose)."""
    digest = hashlib.sha256()
    for path in sorted(GOLDEN.glob("*.txt")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    assert digest.hexdigest() == PINNED_DIGEST


PINNED_DIGEST = "fb2658ed2cef4f2839d1b72ec6a72bc2a4ef763539303b84d3ba5bbb4908232b"


def main() -> None:
    """Rewrite the golden files from the current code (intended changes only)."""
    from nextline.examples import example_path
    from nextline.knowledge import load_knowledge
    from nextline.record import load_record
    from nextline.report import write_report
    from tests.plan.conftest import VISIT_DAYS

    kb = load_knowledge()
    GOLDEN.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for person, day in VISIT_DAYS.items():
            record = load_record(example_path(person), kb, day)
            pdf = write_report(record, kb, day, Path(tmp) / f"{person}.pdf")
            _golden(person).write_text("\f".join(page_texts(pdf)), encoding="utf-8")
            print(f"{_golden(person)}: {len(page_texts(pdf))} pages", file=sys.stderr)


if __name__ == "__main__":
    main()
