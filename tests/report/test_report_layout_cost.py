"""The report's CSS avoids what makes WeasyPrint lay the same box out more than once (a
count of layout calls, never a time): the page-one questions in two columns are balanced
once, and a gap below them comes from the paragraph that follows."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from nextline.examples import example_path
from nextline.knowledge import Knowledge
from nextline.record import load_record
from nextline.report import build_report, render_html
from nextline.report.render import TEMPLATES, _bundled_only_fetcher, _weasyprint
from tests.plan.conftest import VISIT_DAYS

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils missing"
)


@pytest.mark.parametrize("person", ["hr-positive-esr1", "triple-negative-brca"])
def test_the_two_column_questions_are_laid_out_once(
    person: str, kb: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    weasyprint = _weasyprint()
    from weasyprint.layout import block  # type: ignore[import-untyped]

    day = VISIT_DAYS[person]
    html = render_html(build_report(load_record(example_path(person), kb, day), kb, day), kb)
    assert html.count('class="small columns"') == 1
    calls: list[str] = []
    usual = block.columns_layout

    def counted(context: Any, box: Any, *rest: Any) -> Any:
        calls.append(box.element_tag)
        return usual(context, box, *rest)

    monkeypatch.setattr(block, "columns_layout", counted)
    document = weasyprint.HTML(
        string=html, base_url=str(TEMPLATES), url_fetcher=_bundled_only_fetcher()
    ).render()
    assert len(document.pages) >= 2
    assert calls == ["ol"]


# --- side-by-side blocks: a grid puts every word where the flex layout put it ------------------

_FLEX = ".grid { display: flex; gap: 8pt; } .grid > div { flex: 1; }"  # the layout before
_TABLE = (
    "<table><tr><th>test</th><th>result</th><th>date</th><th>sample</th></tr>"
    + "".join(
        f"<tr><td>{t}</td><td>{r}</td><td>2024-0{n}-1{n}</td><td>liver biopsy</td></tr>"
        for n, (t, r) in enumerate(
            [("ER", "positive 95%"), ("HER2 IHC", "1+ (HER2-low)"), ("ESR1", "Y537S found")], 1
        )
    )
    + "</table>"
)
_WORDS = "fulvestrant + ribociclib; capecitabine; paclitaxel (weekly); A clinical trial; "
SIDE_BY_SIDE = {
    "tables, wide and narrow": [f"<h2>Markers</h2>{_TABLE}", f"<h2>Spread</h2>{_TABLE}"],
    "long words in the narrow one": ["<p>short</p>", "<p>" + _WORDS * 6 + "</p>"],
    "an unbreakable word": ["<p>" + _WORDS + "</p>", "<p>NCT05123456-and-more-2025</p>"],
    "one block": ["<p><strong>Fit:</strong> " + _WORDS * 5 + "</p>"],
    "two blocks, unequal": ["<p>" + _WORDS * 8 + "</p>", "<p>larotrectinib</p>"],
    "three blocks": ["<p>" + _WORDS + "</p>", "<p>one</p>", "<p>" + _WORDS * 2 + "</p>"],
}


def _page(css: str, body: str) -> str:
    own = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    return f"<html><head><style>{own}\n{css}</style></head><body>{body}</body></html>"


def _word_boxes(html: str, tmp: Path) -> list[str]:
    """Every word on the page with its box, as poppler reads it from the PDF."""
    pdf = tmp / "words.pdf"
    pdf.write_bytes(_weasyprint().HTML(string=html).write_pdf())
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True)
    return [line.strip() for line in out.stdout.splitlines() if "<word" in line]


@pytest.mark.skipif(__import__("shutil").which("pdftotext") is None, reason="poppler-utils missing")
@pytest.mark.parametrize("case", sorted(SIDE_BY_SIDE))
@pytest.mark.parametrize("kind", ["grid small", "grid wide-narrow"])
def test_side_by_side_blocks_sit_where_the_flex_layout_put_them(
    case: str, kind: str, tmp_path: Path
) -> None:
    blocks = SIDE_BY_SIDE[case]
    if kind == "grid wide-narrow" and len(blocks) != 2:
        pytest.skip("the wide-and-narrow pair holds two blocks")
    now = "".join(f"<div>{b}</div>" for b in blocks)
    before = now
    if kind == "grid wide-narrow":
        before = f'<div>{blocks[0]}</div><div style="flex: 0.7">{blocks[1]}</div>'
    after = "<p>after the blocks</p>"
    words = _word_boxes(_page("", f'<div class="{kind}">{now}</div>{after}'), tmp_path)
    reference = _word_boxes(_page(_FLEX, f'<div class="{kind}">{before}</div>{after}'), tmp_path)
    assert len(words) > 3
    assert words == reference


_QUESTION = "What is the outlook for my cancer? How long can I live with it?"
QUESTION_LISTS = {
    "one": [_QUESTION],
    "three short": ["Why?", "What next?", "Who do I call?"],
    "eight mixed": [_QUESTION * (1 + n % 3) for n in range(8)],
    "five long": [_QUESTION * 4 for _ in range(5)],
}


@pytest.mark.skipif(__import__("shutil").which("pdftotext") is None, reason="poppler-utils missing")
@pytest.mark.parametrize("case", sorted(QUESTION_LISTS))
def test_two_column_questions_sit_where_they_did_with_a_bottom_margin(
    case: str, tmp_path: Path
) -> None:
    items = "".join(f"<li>{q}</li>" for q in QUESTION_LISTS[case])
    body = f'<ol class="small columns">{items}</ol><p class="small">3 more on the next pages.</p>'
    words = _word_boxes(_page("", body), tmp_path)
    before = _word_boxes(_page(".columns { margin-bottom: 2pt; }", body), tmp_path)
    assert len(words) > 3
    assert words == before
