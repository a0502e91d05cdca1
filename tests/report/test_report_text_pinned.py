"""The words of every page of each example's PDF report are pinned: a speed-up (charts,
fonts, layout) must not change what a person or their care team reads.

The golden files in `golden/` hold `pdftotext -layout` of every page, pages separated by a
form feed: `PERSON.txt` for the report as written, `PERSON.no-charts.txt` for the same report
with each chart blanked (an empty picture of the same size), which pins every word that is
not drawn in a chart (the charts' own words and values are checked in `test_report_charts`).

When a change to the report's words is intended (a new phrase, a knowledge change reaching
page one), rewrite them with
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


def _golden(person: str, kind: str = "") -> Path:
    return GOLDEN / f"{person}{kind}.txt"


def blank_charts_pdf(person: str, out: Path) -> Path:
    """The example's report with every chart replaced by an empty SVG of the same size, so
    the layout, and every word outside the charts, is the report's own."""
    import re

    from nextline.examples import example_path
    from nextline.knowledge import load_knowledge
    from nextline.record import load_record
    from nextline.report import build_report, render_html, render_pdf
    from nextline.report.charts import Chart
    from tests.plan.conftest import VISIT_DAYS

    kb = load_knowledge()
    day = VISIT_DAYS[person]
    context = build_report(load_record(example_path(person), kb, day), kb, day)
    blank = []
    for chart in context.charts:
        size = re.search(r'<svg[^>]*?width="([\d.]+pt)"[^>]*?height="([\d.]+pt)"', chart.svg)
        assert size is not None, chart.title
        svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="{size[1]}" height="{size[2]}"/>'
        blank.append(Chart(chart.title, svg, chart.alt))
    context.charts = blank
    out.write_bytes(render_pdf(render_html(context, kb)))
    return out


def test_every_page_reads_the_same_as_the_pinned_text(pdfs: dict[str, Path]) -> None:
    assert sorted(pdfs) == sorted(p.stem for p in GOLDEN.glob("*.txt") if "." not in p.stem)
    for person, pdf in pdfs.items():
        pinned = _golden(person).read_text(encoding="utf-8").split("\f")
        pages = page_texts(pdf)
        assert len(pages) == len(pinned), person
        changed = [n for n, (a, b) in enumerate(zip(pages, pinned, strict=True), 1) if a != b]
        assert changed == [], (person, changed)


def test_every_word_outside_the_charts_reads_the_same_as_first_pinned(tmp_path: Path) -> None:
    for person in ("hr-positive-esr1", "triple-negative-brca", "her2-positive-brain"):
        pinned = _golden(person, ".no-charts").read_text(encoding="utf-8").split("\f")
        pages = page_texts(blank_charts_pdf(person, tmp_path / f"{person}.pdf"))
        assert len(pages) == len(pinned), person
        changed = [n for n, (a, b) in enumerate(zip(pages, pinned, strict=True), 1) if a != b]
        assert changed == [], (person, changed)


def test_the_pinned_text_is_the_text_first_pinned() -> None:
    """The golden files' digest: an accidental rewrite of the golden files is caught here
    too (update both together, on purpose). The `.no-charts` files were pinned before the
    report was made faster and have not changed since."""
    assert _digest() == PINNED_DIGEST


def _digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(GOLDEN.glob("*.txt")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


PINNED_DIGEST = "58cb102d0e1b5cfc8b0138558d090e3fd1bba0a47fb7274f1afda143d626bb03"


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
            blank = blank_charts_pdf(person, Path(tmp) / f"{person}.no-charts.pdf")
            text = "\f".join(page_texts(blank))
            _golden(person, ".no-charts").write_text(text, encoding="utf-8")
            print(f"{_golden(person)}: {len(page_texts(pdf))} pages", file=sys.stderr)
    print(f'PINNED_DIGEST = "{_digest()}"  (paste into {__file__})', file=sys.stderr)


if __name__ == "__main__":
    main()
