"""A profile's time zone is checked against the system's database without listing all of it.

Listing the database (``zoneinfo.available_timezones``) opens its 600 files:
16 ms of the first window's start. The lookup must still accept exactly what
that list holds and refuse the rest (a misspelled zone still gets the list's
closest match as a suggestion).
"""

from __future__ import annotations

import zoneinfo

import pytest

from composer import profile_values
from composer.profile_values import _on_tz_path, _time_zone


def test_every_listed_zone_on_the_search_path_is_found_one_by_one() -> None:
    listed = zoneinfo.available_timezones()
    assert listed, "no time zone database on this machine"
    found = {zone for zone in listed if _on_tz_path(zone)}
    assert found == listed


@pytest.mark.parametrize(
    "value", ["europe/athens", "Europe", "posixrules", "../zoneinfo/UTC", "", "Europe/Athen"]
)
def test_what_the_list_does_not_hold_is_not_found(value: str) -> None:
    assert value not in zoneinfo.available_timezones()
    assert not _on_tz_path(value)


def test_a_good_zone_does_not_list_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    profile_values._zones.cache_clear()

    def listing() -> set[str]:
        raise AssertionError("the whole database was listed")

    monkeypatch.setattr(zoneinfo, "available_timezones", listing)
    assert _time_zone("Europe/Athens") == "Europe/Athens"
    profile_values._zones.cache_clear()


def test_a_misspelled_zone_is_refused_with_the_closest_one() -> None:
    with pytest.raises(Exception) as caught:
        _time_zone("Europe/Athen")
    assert "Europe/Athens" in str(getattr(caught.value, "context", None) or caught.value.args)
