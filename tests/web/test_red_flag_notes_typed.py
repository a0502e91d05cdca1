"""A note typed in the browser the way people write on a phone: one thing to a line (the
textarea sends its line breaks as CRLF), or a "no" followed by a comma and a sign. The
emergency must still reach the top of the page (it was dropped: "No fever" reached the next
line's fit)."""

from __future__ import annotations

from tests.web.test_red_flag_pages import TRIPLE, _first_section, _post_symptoms


def test_a_fit_on_the_line_after_no_fever_raises_the_emergency(client) -> None:
    response = _post_symptoms(
        client, [("date", "2025-05-30"), ("notes", "No fever\r\nI had a fit this morning\r\n")]
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert _first_section(page).startswith("red-flags")
    assert 'data-kind="neurological_change"' in page


def test_a_sign_after_a_negation_and_a_comma_is_asked_about(client) -> None:
    response = _post_symptoms(
        client, [("date", "2025-05-30"), ("notes", "not eating, very confused")]
    )
    page = client.get(response.headers["location"]).text
    assert _first_section(page).startswith("red-flags")
    assert "the note says “confused” (may mean" in page  # asked about, not stated


def test_a_plain_no_still_means_no(client) -> None:
    response = _post_symptoms(client, [("date", "2025-05-30"), ("notes", "No fits\r\nno fever")])
    page = client.get(response.headers["location"]).text
    assert 'data-kind="neurological_change"' not in page
    assert TRIPLE in page


def test_a_bulleted_misspelt_note_raises_the_emergency(client) -> None:
    """A list typed with dashes, a full stop with no space, a misspelt sign (ninth wave)."""
    note = "-no fever.legs gone numbbb\r\n-had a siezure at tea time\r\n"
    response = _post_symptoms(client, [("date", "2025-05-30"), ("notes", note)])
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert _first_section(page).startswith("red-flags")
    assert 'data-kind="neurological_change"' in page
    assert 'data-kind="possible_febrile_neutropenia"' not in page  # "no fever" still means no
