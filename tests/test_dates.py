"""Dates as articles write them, normalised to ``datetime.date``."""
from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

import pytest

from geomap.dates import parse_date, parse_user_date


@pytest.mark.parametrize("value", [
    "2016-12-17",
    "2016-12-17T06:49:00Z",
    "2016-12-17T06:49:00+02:00",
    "2016-12-17 06:49",
    "Sat, 17 Dec 2016 06:49:00 +0000",  # RFC 822, as RSS writes it
    "Sat, 17 Dec 2016 06:49:00 GMT",
    "Dec 17, 2016 6:49 AM ET",  # a US news byline
    "17 December 2016",
    "December 17, 2016",
    "  17 Dec 2016  ",
])
def test_strings(value):
    assert parse_date(value) == date(2016, 12, 17)


def test_dates_and_datetimes():
    assert parse_date(date(2016, 12, 17)) == date(2016, 12, 17)
    assert parse_date(datetime(2016, 12, 17, 23, 59)) == date(2016, 12, 17)


def test_an_aware_datetime_keeps_its_own_day():
    # 23:30 in New York is already the 18th in UTC; the story belongs to the 17th.
    evening = datetime(2016, 12, 17, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert parse_date(evening) == date(2016, 12, 17)
    assert parse_date("Sat, 17 Dec 2016 23:30:00 -0500") == date(2016, 12, 17)


def test_feedparser_struct_time():
    assert parse_date(time.strptime("2016-12-17 06:49", "%Y-%m-%d %H:%M")) == date(2016, 12, 17)


@pytest.mark.parametrize("value", [
    None, "", "   ", "not a date", "hello world", "N/A",
    "December 2016",  # no day: not a date we can place an article on
    "yesterday", "3 hours ago",  # relative to whenever the file happens to be read
    "0017-01-01", "2999-05-01",  # absurd years
    date(900, 1, 1),
    12345, 2016.5, ["2016-12-17"],
])
def test_missing_garbage_and_absurd_dates_give_none(value):
    assert parse_date(value) is None


def test_user_dates_are_strict_iso():
    assert parse_user_date("2016-12-17") == date(2016, 12, 17)
    assert parse_user_date(" 2016-12-17 ") == date(2016, 12, 17)


@pytest.mark.parametrize("value", ["17/12/2016", "Dec 17, 2016", "2016-12", "20161217", "", "2016-12-17T06:49"])
def test_user_dates_reject_other_shapes_with_a_clear_message(value):
    with pytest.raises(ValueError, match=r"expected a date as YYYY-MM-DD, got '.*'"):
        parse_user_date(value)


def test_user_dates_reject_impossible_days():
    with pytest.raises(ValueError, match=r"expected a date as YYYY-MM-DD, got '2016-02-30' \(no such day\)"):
        parse_user_date("2016-02-30")
