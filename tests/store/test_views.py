"""`store.views`: a person's dashboard as last computed, kept beside the record, read back
only for exactly the key it was computed from and only when its signature holds (on SQLite
and, in `make test`, PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from nextline.examples import example_path
from nextline.record import read_patient_file
from nextline.store import RecordStore
from nextline.store.views import StoredViewKey, ViewRows

DAY = dt.date(2025, 6, 1)


def _stored(store: RecordStore) -> str:
    file = read_patient_file(example_path("hr-positive-esr1"))
    return store.save(file, "import", base=None)[0]


def _key(person: str, **change: object) -> StoredViewKey:
    parts: dict[str, object] = {
        "person_id": person,
        "version": 1,
        "digest": "d" * 32,
        "day": DAY,
        "code": "c" * 64,
    }
    return StoredViewKey(**{**parts, **change})  # type: ignore[arg-type]


def test_a_kept_view_is_read_back_only_for_its_exact_key(store: RecordStore) -> None:
    person = _stored(store)
    rows = ViewRows(store.engine, b"s" * 32)
    assert rows.read(_key(person)) is None
    assert rows.write(_key(person), {"shown": [1, 2, 3]}) is True
    assert rows.read(_key(person)) == {"shown": [1, 2, 3]}
    for change in (
        {"version": 2},
        {"digest": "e" * 32},
        {"day": DAY + dt.timedelta(days=1)},
        {"code": "other"},
    ):
        assert rows.read(_key(person, **change)) is None, change


def test_a_newer_view_replaces_the_person_s_row(store: RecordStore) -> None:
    person = _stored(store)
    rows = ViewRows(store.engine, b"s" * 32)
    rows.write(_key(person), "version 1")
    rows.write(_key(person, version=2), "version 2")
    assert rows.read(_key(person)) is None
    assert rows.read(_key(person, version=2)) == "version 2"


def test_a_view_signed_with_another_secret_is_not_read(store: RecordStore) -> None:
    person = _stored(store)
    ViewRows(store.engine, b"a" * 32).write(_key(person), "secret a")
    assert ViewRows(store.engine, b"b" * 32).read(_key(person)) is None
    assert ViewRows(store.engine, b"a" * 32).read(_key(person)) == "secret a"


def test_no_view_is_kept_for_a_person_who_is_not_stored_and_delete_takes_it(
    store: RecordStore,
) -> None:
    rows = ViewRows(store.engine, b"s" * 32)
    assert rows.write(_key("nobody"), "orphan") is False
    assert rows.read(_key("nobody")) is None
    person = _stored(store)
    rows.write(_key(person), "kept")
    store.delete(person)
    assert rows.read(_key(person)) is None


def test_a_page_of_people_with_a_name_search_and_only_those_a_caller_may_see(
    store: RecordStore,
) -> None:
    from nextline.record import patient_file_data, validate_patient_data

    base = patient_file_data(read_patient_file(example_path("hr-positive-esr1")))
    for person, name in (("c-ana", "Ana Núñez"), ("a-bo", "Bo 100%"), ("b-cy", "Cy_Lee")):
        data = {**base, "patient": {**base["patient"], "id": person, "name": name}}
        store.save(validate_patient_data(data), "import", base=None)
    first, total = store.list_page(offset=0, limit=2)
    assert ([p.id for p in first], total) == (["a-bo", "b-cy"], 3)
    assert [p.id for p in store.list_page(offset=2, limit=2)[0]] == ["c-ana"]
    assert store.list_page(offset=0, limit=5, name="NÚÑEZ")[1] == 1
    assert [p.id for p in store.list_page(offset=0, limit=5, name="_")[0]] == ["b-cy"]
    assert [p.id for p in store.list_page(offset=0, limit=5, name="%")[0]] == ["a-bo"]
    assert store.list_page(offset=0, limit=5, only={"c-ana", "a-bo"})[1] == 2
    assert store.list_page(offset=0, limit=5, only=set()) == ([], 0)


def _page_key(person: str, viewer: str = "v" * 64, trials: str = "t" * 64, **change: object):
    from nextline.store.views import StoredPageKey

    return StoredPageKey(_key(person, **change), viewer, trials)


def test_a_kept_page_is_read_back_only_for_its_exact_key_and_viewer(store: RecordStore) -> None:
    from nextline.store.views import PageRows

    person = _stored(store)
    rows = PageRows(store.engine, b"s" * 32)
    parts = (b"<p>", b"</p>")
    assert rows.read(_page_key(person)) is None
    assert rows.write(_page_key(person), parts) is True
    assert rows.write(_page_key(person, viewer="w" * 64), (b"<b>", b"</b>")) is True
    assert rows.read(_page_key(person)) == parts
    assert rows.read(_page_key(person, viewer="w" * 64)) == (b"<b>", b"</b>")
    for change in (
        {"version": 2},
        {"digest": "e" * 32},
        {"day": DAY + dt.timedelta(days=1)},
        {"code": "other"},
        {"trials": "u" * 64},
        {"viewer": "x" * 64},
    ):
        assert rows.read(_page_key(person, **change)) is None, change  # type: ignore[arg-type]
    rows.write(_page_key(person, version=2), (b"new ", b""))  # replaces this viewer's row only
    assert rows.read(_page_key(person)) is None
    assert rows.read(_page_key(person, version=2)) == (b"new ", b"")
    assert rows.read(_page_key(person, viewer="w" * 64)) == (b"<b>", b"</b>")
    assert PageRows(store.engine, b"o" * 32).read(_page_key(person, version=2)) is None
    assert PageRows(store.engine, b"s" * 32).write(_page_key("nobody"), parts) is False
    store.delete(person)
    assert rows.read(_page_key(person, version=2)) is None
