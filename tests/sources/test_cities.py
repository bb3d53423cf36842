"""The city mapping names each city once. Two places with one Wikidata, GeoNames or ROR id are a
violation of the validator (``links.shared-identifier``) and two with one label in one language a
warning (``quality.duplicate-label``); a city entered twice under names that differ only by
"City" ("New York" and "New York City", 2026-12-04) has neither, so it is checked here. The
cities of China, and only they, have a Chinese name: two named queries tell a Chinese designer by
its city's Chinese name (the graph carries no country)."""

from __future__ import annotations

import re
from pathlib import Path

from bjaikg.sources.mapping import City, read_cities

CITY_WORD = re.compile(r"\s+city$", re.IGNORECASE)


def same_name_twice(cities: dict[str, City]) -> list[tuple[str, str]]:
    """Pairs of city slugs whose English names are equal without case and a trailing "City"."""
    seen: dict[str, str] = {}
    pairs = []
    for slug, city in sorted(cities.items()):
        key = CITY_WORD.sub("", city.label_en.strip()).casefold()
        if key in seen:
            pairs.append((seen[key], slug))
        seen.setdefault(key, slug)
    return pairs


def test_no_city_is_mapped_twice() -> None:
    assert same_name_twice(read_cities()) == []


def test_a_city_entered_twice_is_found(tmp_path: Path) -> None:
    path = tmp_path / "cities.csv"
    path.write_text(
        "slug,label_en,label_zh,country\nnew-york,New York,,\nnew-york-city,New York City,,\n"
        'cambridge-uk,"Cambridge, England",,\n'
        'cambridge-massachusetts,"Cambridge, Massachusetts",,\n',
        encoding="utf-8",
    )
    assert same_name_twice(read_cities(path)) == [("new-york", "new-york-city")]


def test_the_cities_of_china_and_only_they_have_a_chinese_name() -> None:
    cities = read_cities().values()
    assert [city.slug for city in cities if bool(city.label_zh) != (city.country == "CN")] == []
    assert sum(city.country == "CN" for city in cities) >= 19
