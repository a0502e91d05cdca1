"""Render the summary packet: HTML from the Jinja2 template, PDF through WeasyPrint.

`build_report` gathers everything (briefing, context, charts) for one person; `render_html`
and `render_pdf` turn it into a file; `write_report` does all of it, overlapping the engines,
charts and trial match, gathered aside (`report.inputs`, `report.aside`), with loading
WeasyPrint and the template. Jinja2 and WeasyPrint are imported inside the functions so the
CLI starts fast.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import functools
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nextline.errors import NextlineError
from nextline.gc_pause import collector_paused
from nextline.knowledge import Knowledge
from nextline.record import PatientRecord
from nextline.report.aside import Aside
from nextline.report.context import VERDICT_WORDS, ReportContext, build_context
from nextline.report.phrases import PHRASES

if TYPE_CHECKING:
    from nextline.plan import Briefing
    from nextline.report.charts import Chart
    from nextline.report.inputs import ReportInputs

TEMPLATES = Path(__file__).parent / "templates"


def build_report(
    record: PatientRecord,
    kb: Knowledge,
    as_of: dt.date,
    briefing: Briefing | None = None,
    trials: Any = None,
    charts: bool = True,
) -> ReportContext:
    """Everything the report shows for one person as of one date."""
    from nextline.plan import build_briefing

    briefing = briefing or build_briefing(record, kb, as_of, trials=trials)
    context = build_context(record, kb, briefing)
    if charts:
        context.charts = draw_charts(record, as_of, briefing.status)
    return context


def draw_charts(
    record: PatientRecord, as_of: dt.date, status: dict[str, Any] | None
) -> list[Chart]:
    """The report's charts, in page order; a chart with nothing to show is left out. Needs
    the status (for the measured tumors) but not the options or trials."""
    from nextline.report.charts import lab_chart, recist_chart, timeline_chart

    found = [
        timeline_chart(record, as_of),
        recist_chart(status),
        lab_chart(record, as_of, "tumor_marker", "Tumor markers in the blood over time"),
        lab_chart(record, as_of, "blood_count", "Blood counts over time"),
    ]
    return [c for c in found if c is not None]


def render_html(context: ReportContext, kb: Knowledge) -> str:
    """The report as one HTML page (CSS inline, charts as data URIs)."""
    groups = kb.plan.groups if kb.plan else []
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    return str(_template().render(c=context, p=PHRASES, groups=groups, css=css))


def _template() -> Any:
    """The report's compiled template (compiled once per process, see `_environment`)."""
    return _environment().get_template("report.html.j2")


@functools.cache
def _environment() -> Any:
    """One template environment per process: it keeps the compiled template (the web app
    renders many reports, and compiling costs more than filling in), and checks the file's
    date on each `get_template`, so an edited template is still picked up."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["svg_data_uri"] = _svg_data_uri
    env.filters["words"] = lambda item: str(item).replace("_", " ")
    env.filters["verdict"] = lambda v: VERDICT_WORDS.get(str(v), str(v))
    env.filters["needs_text"] = _needs_text
    return env


class _WithheldDetails(logging.Filter):
    """WeasyPrint's log lines name the URL or text they failed on, which may hold a person's
    words; keep the line (something was refused) and drop the details."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = f"report rendering: {str(record.msg).split('%')[0].strip(' :')}"
        record.args = ()
        return True


def _bundled_only_fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves `data:` URIs and files bundled with nextline
    (the report's templates folder) and refuses everything else, so rendering a report can
    never make a network request, whatever text a record holds."""
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    bundled = TEMPLATES.resolve()

    class BundledOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                from urllib.parse import unquote, urlsplit

                path = Path(unquote(urlsplit(url).path)).resolve()
                if path.is_relative_to(bundled) and path.is_file():
                    return super().fetch(url, headers)
            raise ValueError("a report loads only what is bundled with nextline")

    return BundledOnly(timeout=1, allowed_protocols=("data", "file"), allow_redirects=False)


def _weasyprint() -> Any:
    """The WeasyPrint module, or a clear error when its Pango system library is missing.
    Imported through `report.libraries`, which spares the search for its system libraries."""
    from nextline.report.libraries import import_quickly

    try:
        weasyprint = import_quickly("weasyprint")
    except OSError as exc:  # the Pango system library is missing
        raise NextlineError(
            f"cannot make a PDF: {exc}. Run `scripts/system-deps` to install Pango."
        ) from exc
    return weasyprint


def render_pdf(html: str) -> bytes:
    """The PDF of a rendered report (WeasyPrint; needs Pango, see scripts/system-deps).
    Nothing is fetched but bundled files (`_bundled_only_fetcher`)."""
    weasyprint = _weasyprint()
    logger = logging.getLogger("weasyprint")
    if not any(isinstance(f, _WithheldDetails) for f in logger.filters):
        logger.addFilter(_WithheldDetails())
    document = weasyprint.HTML(
        string=html, base_url=str(TEMPLATES), url_fetcher=_bundled_only_fetcher()
    )
    with cycle_collection_paused():
        pdf = document.write_pdf()
    assert pdf is not None
    return bytes(pdf)


@contextlib.contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector paused while WeasyPrint lays out and draws a report.

    Why: a render makes a million short-lived objects, so the collector runs hundreds of
    times, and each full pass walks every object the process holds (the knowledge base, the
    record, WeasyPrint's own tables): measured at 3-20 % of the render's CPU, the more the
    more the process holds. Reference counting still frees almost everything at once; the
    few cycles a render leaves (about 10 MB) are collected as usual once the collector is
    back on. Nested or concurrent renders (the web app's threads) share one pause with
    every other pause of the process (`nextline.gc_pause`): the collector comes back on when
    the last one ends, and only if it was on before the first began.
    """
    with collector_paused():
        yield


def write_report(
    record: PatientRecord,
    kb: Knowledge,
    as_of: dt.date,
    out: Path,
    trials: Any = None,
    gathered: Aside[ReportInputs] | None = None,
) -> Path:
    """Write the report to `out` (.pdf or .html), all or nothing (a temp file, then a rename),
    readable only by its owner (0600).

    `gathered` is the briefing (status, options, trial match) and the charts still being
    gathered in another process (`report.inputs`, the `nextline report` way): WeasyPrint is
    loaded and the template compiled meanwhile, and only then is it waited for. Without it,
    they are gathered here, and `trials` is the match result, or an `Aside` still computing
    it (waited for after the loading too).
    """
    from nextline.report.inputs import run_engines, with_trials

    try:
        suffix = out.suffix.lower()
        if suffix not in (".pdf", ".html", ".htm"):
            raise NextlineError(f"-o {out}: the file must end in .pdf or .html")
        engines = run_engines(record, kb, as_of) if gathered is None else None
        if suffix == ".pdf":
            _weasyprint()  # loading it (fonts, Pango) overlaps the work aside
        _template()  # so does compiling the template (Jinja2's import and the compile)
        here: ReportInputs | None = gathered.result() if gathered is not None else None
        matches = trials.result() if isinstance(trials, Aside) else trials
    finally:
        for aside in (trials, gathered):
            if isinstance(aside, Aside):
                aside.cancel()
    if here is None:
        assert engines is not None
        here = with_trials(record, kb, as_of, engines, matches)
    context = build_context(record, kb, here.briefing)
    context.charts = here.charts
    html = render_html(context, kb)
    data = render_pdf(html) if suffix == ".pdf" else html.encode("utf-8")
    from nextline.store.files import write_private

    return write_private(out, data)


def _svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _needs_text(need: Any) -> str:
    if isinstance(need, str):
        return need
    if isinstance(need, dict):
        for key in ("text", "what", "message", "test", "name"):
            if isinstance(need.get(key), str):
                return str(need[key])
    return str(need)
