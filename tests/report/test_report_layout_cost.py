"""The report's CSS avoids what makes WeasyPrint lay the same box out more than once (a
count of layout calls, never a time): the page-one questions in two columns are balanced
once, and a gap below them comes from the paragraph that follows."""

from __future__ import annotations

from typing import Any

import pytest

from nextline.examples import example_path
from nextline.knowledge import Knowledge
from nextline.record import load_record
from nextline.report import build_report, render_html
from nextline.report.render import TEMPLATES, _bundled_only_fetcher, _weasyprint
from tests.plan.conftest import VISIT_DAYS


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
