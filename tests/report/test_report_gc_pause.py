"""A report renders with Python's cycle collector paused, and the collector comes back as
it was: after the render, after an error, after nested and concurrent renders (the web app's
threads), and stays off when it was off before."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from nextline.report.render import cycle_collection_paused, render_pdf


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_paused_inside_and_back_on_after() -> None:
    with cycle_collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_back_on_after_an_error() -> None:
    with pytest.raises(RuntimeError), cycle_collection_paused():
        raise RuntimeError("render failed")
    assert gc.isenabled()


def test_nested_pauses_end_with_the_outer_one() -> None:
    with cycle_collection_paused():
        with cycle_collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_left_off_when_it_was_off_before() -> None:
    gc.disable()
    with cycle_collection_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_overlapping_renders_in_threads_share_one_pause() -> None:
    first_in = threading.Event()
    second_in = threading.Event()
    first_may_leave = threading.Event()
    seen: dict[str, bool] = {}

    def first() -> None:
        with cycle_collection_paused():
            first_in.set()
            first_may_leave.wait(5)
        seen["after first"] = gc.isenabled()
        second_in.wait(5)

    def second() -> None:
        first_in.wait(5)
        with cycle_collection_paused():
            second_in.set()
            first_may_leave.set()
            one.join(5)  # the first render has ended; this one has not
            seen["second still rendering"] = gc.isenabled()

    one = threading.Thread(target=first)
    two = threading.Thread(target=second)
    one.start()
    two.start()
    two.join(10)
    assert seen == {"after first": False, "second still rendering": False}
    assert gc.isenabled()


def test_a_render_leaves_the_collector_on_and_makes_a_pdf() -> None:
    pdf = render_pdf("<h1>A page</h1><p>Some words.</p>")
    assert pdf.startswith(b"%PDF-")
    assert gc.isenabled()
