"""US ZIP codes are placed from a table kept in the cache folder, with the same centroid the
`zipcodes` package gives, and without unpacking the package's data in every process."""

from __future__ import annotations

import stat
from collections.abc import Iterator

import pytest
import zipcodes

from nextline.knowledge import cache
from nextline.trials import geo


@pytest.fixture(autouse=True)
def _fresh_table() -> Iterator[None]:
    geo._zip_centroids.cache_clear()
    yield
    geo._zip_centroids.cache_clear()


def _from_package(digits: str) -> tuple[float, float] | None:
    for row in zipcodes.matching(digits):  # type: ignore[no-untyped-call]
        try:
            return float(row["lat"]), float(row["long"])
        except (KeyError, ValueError, TypeError):
            continue
    return None


def test_the_kept_table_places_zip_codes_where_the_package_does() -> None:
    every: list[str] = sorted(r["zip_code"] for r in zipcodes.list_all())  # type: ignore[no-untyped-call]
    sample = [*every[::997], "02115", "10001", "94110", "00501", "99950"]
    for digits in sample:
        point = geo.locate_us_zip(digits)
        expected = _from_package(digits)
        assert expected is not None
        assert point is not None and (point.latitude, point.longitude) == expected, digits
        assert point.country == "US" and point.label == digits
    [kept] = cache.cache_folder().glob("us-zip-centroids-*.pickle")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


@pytest.mark.parametrize("code", ["00000", "99999", "1234", "ABCDE", "", "  "])
def test_a_code_that_is_not_a_known_zip_is_not_placed(code: str) -> None:
    assert geo.locate_us_zip(code) is None


def test_zip_plus_four_and_spaces_use_the_first_five_digits() -> None:
    point = geo.locate_us_zip(" 02115-1234")
    assert point is not None and (point.latitude, point.longitude) == _from_package("02115")


def test_a_damaged_table_is_read_again_from_the_package() -> None:
    geo.locate_us_zip("02115")
    [kept] = cache.cache_folder().glob("us-zip-centroids-*.pickle")
    kept.write_bytes(kept.read_bytes()[:100])
    geo._zip_centroids.cache_clear()
    point = geo.locate_us_zip("10001")
    assert point is not None and (point.latitude, point.longitude) == _from_package("10001")
    assert len(kept.read_bytes()) > 100_000
