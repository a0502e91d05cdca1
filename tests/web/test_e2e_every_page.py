"""Every page of the app, in headless chromium (see test_e2e.py), on a phone and on a desktop.

The pages are not a hand list: they are the app's own GET routes that are left out of the API
schema (the HTML pages; the JSON API has its own contract tests), less the downloads (a path
ending in a file name: `.pdf`, `.yaml`, `.html`, `.json`). So a new page is checked the day it
is added. A route's `{person_id}` is each stored person; any other part of a route
(`{form_key}`, `{section}/{index}`) is filled from the links the person's pages show: every
distinct form, and the first entry of each part of the record (an index is a number, so one
per section is enough). A route no page links to fails the test: a page nobody can reach.

Each page is loaded at 390 px (a phone) and must not scroll sideways: the document is no wider
than the window, and no element reaches past its right edge unless it sits inside a container
that scrolls on its own. axe-core runs at 390 px and at 1100 px; a serious or critical
violation fails. The people: the three examples, a long record (ten lines, many labs, long
names, unbroken words and web addresses) and an empty store. One browser and two servers are
shared by the whole module to keep it quick, and pages are grouped: each person's own pages
get every check; the forms and entry pages, which share their templates between people, get
axe for the long record (every part filled) and the width check for everyone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from nextline.examples import EXAMPLE_IDS
from nextline.record.validate import validate_record
from tests.web.conftest import AS_OF, make_app
from tests.web.long_record import LONG_PERSON, long_record_data
from tests.web.test_e2e import AXE, CHROMIUM, browser, serving

__all__ = ["browser"]  # the fixture, shared with test_e2e.py

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is missing: run scripts/install-browser (make test does)",
)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1100, "height": 900}
DOWNLOAD = re.compile(r"\.[a-z]+$")  # `/summary.pdf`, `/record.yaml`: files, not pages

# What overflows the phone's width, outside any container that scrolls on its own.
WIDTH_PROBE = """() => {
  const vw = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll') return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.visually-hidden')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    // text that runs out of its box (a long word, a web address) counts as well as the box
    const visible = getComputedStyle(el).overflowX === 'visible';
    const right = visible ? Math.max(r.right, r.left + el.scrollWidth) : r.right;
    if (right <= vw + 1 || scrolls(el)) continue;
    const cls = typeof el.className === 'string' && el.className
      ? '.' + el.className.split(' ').join('.') : '';
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + cls;
    wide.push(name + ' to ' + Math.round(right) + 'px');
  }
  return {page: document.documentElement.scrollWidth, window: window.innerWidth,
          wide: wide.slice(0, 4)};
}"""

AXE_RUN = """() => axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag',
    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"""

LINKS = "() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"


@dataclass
class Site:
    """A running app and the people in it."""

    url: str
    app: Any
    people: tuple[str, ...]


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> Iterator[list[Site]]:
    full = make_app(tmp_path_factory.mktemp("every-page") / "home")
    state = full.state.web
    long_file = validate_record(long_record_data(), state.kb, AS_OF).file
    state.store.save(long_file, "import", base=None)
    state.trial_catalog(state.kb)  # read the small catalog before the browser arrives
    empty = make_app(tmp_path_factory.mktemp("every-page-empty") / "home", people=(), trials=False)
    with serving(full) as full_url, serving(empty) as empty_url:
        yield [Site(full_url, full, (*EXAMPLE_IDS, LONG_PERSON)), Site(empty_url, empty, ())]


def _routes(app: Any) -> Iterator[Any]:
    """Each route of the app, seen through the routers it was included from (FastAPI keeps
    an included router as one entry; its `effective_route_contexts` carry the full path)."""
    for route in app.routes:
        if hasattr(route, "effective_route_contexts"):
            yield from route.effective_route_contexts()
        else:
            yield route


def page_routes(app: Any) -> list[str]:
    """The path templates of the app's HTML pages (GET, not in the API schema, not a file)."""
    found = [
        route.path
        for route in _routes(app)
        if "GET" in (getattr(route, "methods", None) or ())
        and not getattr(route, "include_in_schema", True)
        and not DOWNLOAD.search(route.path)
    ]
    return list(dict.fromkeys(found))


def _params(path: str) -> list[str]:
    return re.findall(r"\{(\w+)\}", path)


def _pattern(path: str, person: str) -> re.Pattern[str]:
    """A regex for a route's concrete paths for one person; each other part is a group."""
    parts = re.split(r"(\{\w+\})", path.replace("{person_id}", person))
    regex = "".join(f"(?P<{p[1:-1]}>[^/?#]+)" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{regex}$")


@dataclass
class Findings:
    """Everything wrong, gathered over all pages so one run lists every gap."""

    visited: list[str] = field(default_factory=list)
    wide: list[str] = field(default_factory=list)
    axe: list[str] = field(default_factory=list)
    unreached: list[str] = field(default_factory=list)
    not_pages: list[str] = field(default_factory=list)


def _axe(page: Any, path: str, width: str, findings: Findings) -> None:
    result = page.evaluate(AXE_RUN)
    for violation in result["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [n["target"] for n in violation["nodes"]][:3]
            findings.axe.append(f"{path} at {width}: {violation['id']} {targets}")


def _check(page: Any, base: str, path: str, findings: Findings, axe: bool = True) -> list[str]:
    """Load one page on the phone, check its width and (unless `axe` is false) run axe at
    both widths; give back its links."""
    page.set_viewport_size(PHONE)
    response = page.goto(base + path)
    assert response is not None
    findings.visited.append(path)
    if "text/html" not in response.headers.get("content-type", ""):
        findings.not_pages.append(f"{path}: {response.headers.get('content-type')}")
        return []
    if not page.evaluate("() => !!document.querySelector('main')"):
        # An htmx fragment (e.g. the trial results): checked inside the page that loads it.
        return []
    probe = page.evaluate(WIDTH_PROBE)
    if probe["page"] > probe["window"] or probe["wide"]:
        findings.wide.append(f"{path}: {probe['page']}px wide; {probe['wide']}")
    if axe:
        _axe(page, path, "390px", findings)
        page.set_viewport_size(DESKTOP)
        _axe(page, path, "1100px", findings)
    links: list[str] = page.evaluate(LINKS)
    return links


def check_site(browser: Any, site: Site) -> Findings:
    """Visit every page of one site for each of its people (and the pages of nobody)."""
    # axe is injected as a script, which the app's CSP rightly forbids; this context only.
    context = browser.new_context(bypass_csp=True, viewport=PHONE)
    context.add_init_script(path=str(AXE))  # loaded with each page, before its own scripts
    page = context.new_page()
    findings = Findings()
    routes = page_routes(site.app)
    for path in [r for r in routes if not _params(r)]:
        _check(page, site.url, path, findings)
    for person in site.people:
        links: dict[str, None] = {}  # in the order the pages show them: the first entry first
        for route in [r for r in routes if _params(r) == ["person_id"]]:
            shown = _check(page, site.url, route.replace("{person_id}", person), findings)
            links.update(dict.fromkeys(shown))
        for route in [r for r in routes if len(_params(r)) > 1 and "person_id" in _params(r)]:
            pattern = _pattern(route, person)
            chosen: dict[tuple[str, ...], str] = {}
            for link in links:
                found = pattern.match(link)
                if found:
                    # one per distinct value of the named parts; an index is any one
                    key = tuple(v for k, v in found.groupdict().items() if k != "index")
                    chosen.setdefault(key, link)
            if not chosen and person == LONG_PERSON:
                findings.unreached.append(f"{route}: no page of {person} links to it")
            for link in chosen.values():
                # The forms and entries share their templates between people: axe reads them
                # for the long record (every part filled); the examples' are width-checked.
                _check(page, site.url, link, findings, axe=person == LONG_PERSON)
    context.close()
    return findings


def test_every_page_fits_a_phone_and_passes_axe(browser, sites) -> None:
    results = [check_site(browser, site) for site in sites]
    wide = [w for r in results for w in r.wide]
    axe = [a for r in results for a in r.axe]
    unreached = [u for r in results for u in r.unreached]
    not_pages = [n for r in results for n in r.not_pages]
    visited = {p for r in results for p in r.visited}
    assert (wide, axe, unreached, not_pages) == ([], [], [], [])
    # The sweep really went everywhere: each example's forms and entries, and nobody's pages.
    for person in (*EXAMPLE_IDS, LONG_PERSON):
        assert f"/people/{person}/trials" in visited
        assert f"/people/{person}/add/lab" in visited
        assert f"/people/{person}/entries/labs/0/delete" in visited
    assert f"/people/{LONG_PERSON}/entries/labs/0/correct" in visited
    assert "/people/start" in visited
