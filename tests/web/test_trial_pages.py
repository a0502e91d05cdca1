"""The trials page in pages of ten: the number shown, the link to the next page (a plain link,
and an htmx one that loads the next page in place), the filters kept across pages, and
nothing lost or repeated from the first page to the last."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from nextline.trials.matching import match_trials
from nextline.web.trial_pages import PER_PAGE, filter_query, page_of, read_page_number
from tests.web.conftest import AS_OF, MARIA, make_app, make_client

CATALOG_SIZE = 23  # three pages: 10, 10 and 3


# -- the pure paging ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "per_page", "sizes"),
    [
        (0, 10, [0]),
        (1, 10, [1]),
        (10, 10, [10]),
        (11, 10, [10, 1]),
        (23, 10, [10, 10, 3]),
        (7, 3, [3, 3, 1]),
    ],
)
def test_pages_cover_the_whole_list_once_in_order(count: int, per_page: int, sizes) -> None:
    items = [f"item-{i}" for i in range(count)]
    first = page_of(items, 1, per_page)
    pages = [page_of(items, n, per_page) for n in range(1, first.pages + 1)]
    assert [len(p.items) for p in pages] == sizes
    assert [x for p in pages for x in p.items] == items
    assert [p.next_page for p in pages] == [*range(2, len(pages) + 1), None]
    assert [p.previous_page for p in pages] == [None, *range(1, len(pages))]
    assert [(p.first, p.last) for p in pages if p.items] == [
        (sum(sizes[:i]) + 1, sum(sizes[: i + 1])) for i in range(len(sizes)) if sizes[i]
    ]


def test_the_default_page_holds_ten() -> None:
    assert PER_PAGE == 10
    assert len(page_of(list(range(50)), 1).items) == 10


def test_a_page_past_the_end_is_the_last_page_not_an_empty_one() -> None:
    page = page_of(list(range(23)), 9)
    assert (page.number, list(page.items), page.next_page) == (3, [20, 21, 22], None)


@pytest.mark.parametrize(("raw", "number"), [(None, 1), ("", 1), (" 2 ", 2), ("03", 3)])
def test_page_numbers_are_read(raw: str | None, number: int) -> None:
    assert read_page_number(raw) == number


@pytest.mark.parametrize("raw", ["0", "-1", "two", "1.5", "²", "1e3", "9999999999"])
def test_a_bad_page_number_names_the_field_and_the_reason(raw: str) -> None:
    with pytest.raises(ValueError) as caught:
        read_page_number(raw)
    assert str(caught.value) == f"page: a whole number from 1 (got {raw!r})"


def test_the_filters_travel_with_the_page_links() -> None:
    assert filter_query(None, None, False) == ""
    assert filter_query(100.0, "PHASE2", True) == (
        "within_km=100&phase=PHASE2&include_ineligible=true"
    )


# -- the page itself, over a catalog of 23 trials -------------------------------------------


@pytest.fixture(scope="module")
def paged(tmp_path_factory) -> Iterator[object]:
    from nextline.trials.catalog import load_default_catalog
    from nextline.trials.store import open_trial_store

    trials = sorted(load_default_catalog(breast_only=True).trials, key=lambda t: t.nct_id)
    home: Path = tmp_path_factory.mktemp("paged") / "home"
    app = make_app(home, people=(MARIA,), trials=False)
    state = app.state.web
    open_trial_store(state.settings).save_trials(tuple(trials[:CATALOG_SIZE]), "test", AS_OF)
    state.trial_catalog(state.kb)
    with make_client(app) as client:
        client.get("/people")
        yield client


def _expected(client, **kwargs) -> list[str]:
    from nextline.record import build_record
    from nextline.trials.catalog import load_catalog

    state = client.app.state.web
    record = build_record(state.store.get(MARIA), state.kb, AS_OF)
    catalog = load_catalog(state.settings)  # read again, matched on its own: not the app's
    found = match_trials(record, state.kb, list(catalog.trials), AS_OF, **kwargs)
    return [m.trial.nct_id for m in found]


def _ids(html: str) -> list[str]:
    return re.findall(r'<article class="card trial" id="(NCT[0-9]+)">', html)


def _next_links(html: str) -> tuple[str | None, str | None]:
    """The plain href and the htmx address of the "show more" link, if there is one."""
    found = re.search(r'<a class="button secondary" href="([^"]+)"\s+hx-get="([^"]+)"', html)
    if found is None:
        return None, None
    return html_lib.unescape(found.group(1)), html_lib.unescape(found.group(2))


def test_the_first_page_shows_ten_and_links_to_the_next(paged) -> None:
    everything = _expected(paged, include_ineligible=True)
    assert len(everything) == CATALOG_SIZE
    html = paged.get(f"/people/{MARIA}/trials?include_ineligible=true").text
    assert _ids(html) == everything[:10]
    assert "<strong>23</strong> studies, 1 to 10 shown" in html
    plain, in_place = _next_links(html)
    assert plain == f"/people/{MARIA}/trials?include_ineligible=true&page=2"
    assert in_place == f"/people/{MARIA}/trials/results?include_ineligible=true&page=2&more=true"
    assert ">Show 10 more studies</a>" in html
    # each study's criteria stay folded until asked for
    assert html.count("<details>") == 10
    assert html.count("<details open") == 0


def test_following_the_links_shows_every_study_once(paged) -> None:
    everything = _expected(paged, include_ineligible=True)
    seen: list[str] = []
    sizes = []
    address: str | None = f"/people/{MARIA}/trials?include_ineligible=true"
    while address is not None:
        html = paged.get(address).text
        seen += _ids(html)
        sizes.append(len(_ids(html)))
        address, _ = _next_links(html)
    assert sizes == [10, 10, 3]
    assert seen == everything


def test_loading_more_in_place_gives_only_the_next_studies_and_the_next_link(paged) -> None:
    everything = _expected(paged, include_ineligible=True)
    html = paged.get(f"/people/{MARIA}/trials?include_ineligible=true").text
    shown = _ids(html)
    _, in_place = _next_links(html)
    while in_place is not None:
        part = paged.get(in_place).text
        assert "<main" not in part and 'id="trial-results"' not in part
        assert "Show the studies before these" not in part
        # the first new study takes the focus, so a screen reader goes on from there
        first = re.search(r'<article class="card trial" id="NCT[0-9]+">\s*<h2([^>]*)>', part)
        assert first is not None and first.group(1) == ' tabindex="-1" autofocus'
        shown += _ids(part)
        _, in_place = _next_links(part)
    assert shown == everything
    assert "Studies 1 to 23 of 23 shown." in part


def test_a_later_page_links_back_and_keeps_the_filters(paged) -> None:
    everything = _expected(paged, include_ineligible=True)
    html = paged.get(f"/people/{MARIA}/trials?include_ineligible=true&page=3").text
    assert _ids(html) == everything[20:]
    assert "Studies 21 to 23 of 23." in html
    assert _next_links(html) == (None, None)
    back = re.search(r'<a href="([^"]+)">Show the studies before these</a>', html)
    assert back is not None
    assert html_lib.unescape(back.group(1)) == (
        f"/people/{MARIA}/trials?include_ineligible=true&page=2"
    )


def test_page_links_show_only_when_the_filtered_list_is_longer_than_a_page(paged) -> None:
    from nextline.web.pages import PHASES

    counts = {}
    for phase, _ in PHASES:
        html = paged.get(f"/people/{MARIA}/trials?phase={phase}&include_ineligible=true").text
        counts[phase] = int(re.search(r"<strong>(\d+)</strong> stud", html).group(1))
        assert len(_ids(html)) == min(counts[phase], 10)
        assert ('class="trial-pages"' in html) == (counts[phase] > 10)
        if counts[phase] > 10:
            plain, _ = _next_links(html)
            assert plain is not None and f"phase={phase}" in plain
    assert any(0 < n <= 10 for n in counts.values()), counts  # a short list was seen


@pytest.mark.parametrize("raw", ["0", "two", "-3"])
def test_a_bad_page_is_a_clear_error(paged, raw: str) -> None:
    response = paged.get(f"/people/{MARIA}/trials?page={raw}")
    assert response.status_code == 422
    reason = f"page: a whole number from 1 (got &#39;{raw}&#39;)"
    assert f'<p class="error-message">{reason}</p>' in response.text
