"""Form fields to patient-file data and importer problems back to form fields."""

from __future__ import annotations

from nextline.errors import Problem
from nextline.web.forms import parse_form, problems_to_form, rows_to_lists


def test_names_are_paths_and_empty_inputs_are_left_out() -> None:
    data, typed = parse_form(
        [
            ("csrf_token", "t" * 40),
            ("date", "2025-05-01"),
            ("esas.pain", "3"),
            ("esas.nausea", ""),
            ("lesions[2].id", "liver-1"),
            ("notes", "  tired  "),
        ]
    )
    assert data == {
        "date": "2025-05-01",
        "esas": {"pain": "3"},
        "lesions": {2: {"id": "liver-1"}},
        "notes": "tired",
    }
    assert typed == {
        "date": "2025-05-01",
        "esas.pain": "3",
        "esas.nausea": "",
        "lesions[2].id": "liver-1",
        "notes": "tired",
    }


def test_list_fields_split_on_commas_and_collect_checkboxes() -> None:
    data, typed = parse_form(
        [
            ("drugs", "fulvestrant, , elacestrant"),
            ("priorities", "work"),
            ("priorities", "time_at_home"),
        ],
        list_fields=("drugs", "priorities"),
    )
    assert data == {"drugs": ["fulvestrant", "elacestrant"], "priorities": ["work", "time_at_home"]}
    assert typed["priorities"] == "work, time_at_home"


def test_names_that_are_not_paths_are_ignored() -> None:
    data, _ = parse_form([("a.b[x]", "1"), ("__class__", "2"), ("ok", "3"), ("x..y", "4")])
    assert data == {"__class__": "2", "ok": "3"}


def test_rows_keep_only_what_was_filled_and_remember_their_form_row() -> None:
    data = {
        "lesions": {
            0: {"id": "a", "role": "target", "longest_mm": "5"},
            1: {"id": "b", "role": "target"},
            4: {"role": "new", "longest_mm": "7"},
        }
    }
    rows = rows_to_lists(data, {"lesions": ("id", "organ", "role", "node")})
    assert data == {
        "lesions": [
            {"id": "a", "role": "target", "longest_mm": "5"},
            {"role": "new", "longest_mm": "7"},
        ]
    }
    assert rows == {"lesions": [0, 4]}


def test_rows_with_nothing_filled_leave_no_list() -> None:
    data = {"variants": {0: {"origin": "somatic"}}}
    assert rows_to_lists(data, {"variants": ("origin",)}) == {"variants": []}
    assert data == {}


def test_problems_land_on_the_input_of_their_form_row() -> None:
    result = problems_to_form(
        [
            Problem("imaging[5].lesions[1].id", "required field is missing"),
            Problem("imaging[5].date", "date 2031-01-01 is after the as-of date 2025-06-01"),
            Problem("imaging[5]", "whole entry problem"),
            Problem("labs[0].unit", "an older entry's problem"),
            Problem("imaging[5].lesions", "no lesion measurements", "warning"),
        ],
        "imaging[5]",
        {"date": "2031-01-01"},
        {"lesions": [0, 4]},
    )
    assert result.errors == {
        "lesions[4].id": ["this is needed: please fill it in"],
        "date": [
            "1 Jan 2031 has not come yet (today is 1 Jun 2025). Check the date; something "
            "planned goes under appointments or important dates."
        ],
        "": ["whole entry problem", "labs[0].unit: an older entry's problem"],
    }
    assert result.values == {"date": "2031-01-01"}
