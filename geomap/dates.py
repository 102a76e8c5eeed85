"""Turning the many ways articles write dates into ``datetime.date``.

Readers meet ISO strings (JSON, YAML, HTML metadata), RFC 822 strings (RSS),
feedparser's ``time.struct_time`` and free-form bylines ("Dec 17, 2016 6:49 AM
ET"). ``parse_date`` accepts all of them and returns None rather than guessing:
an article without a date is better than one with a wrong date.
"""
from __future__ import annotations

import email.utils
import re
import time
from datetime import date, datetime
from functools import lru_cache

# Years outside this range are extraction errors (a "0017" typo, a page counter), not news.
_MIN_YEAR, _MAX_YEAR = 1000, 2200

# Absolute dates only: relative phrases ("yesterday", "2 hours ago") depend on when the
# file is read, which is meaningless for saved articles; bare digit runs are too often ids.
_DATEPARSER_SETTINGS = {
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["custom-formats", "absolute-time"],
}

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(value: object) -> date | None:
    """The calendar date ``value`` denotes, or None when it is missing, garbage or absurd.

    A datetime keeps the date it was written in (its own time zone), not UTC's:
    a story dated 23:30 in New York belongs to that day.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, time.struct_time):
        result = _from_struct_time(value)
    elif isinstance(value, str):
        result = _parse_string(value.strip()) if value.strip() else None
    else:
        return None  # numbers, lists...: not a date we can trust
    if result is None or not _MIN_YEAR <= result.year <= _MAX_YEAR:
        return None
    return result


def parse_user_date(value: str) -> date:
    """A date typed by a user (CLI option, URL parameter): strictly ``YYYY-MM-DD``."""
    text = value.strip() if isinstance(value, str) else value
    if not isinstance(text, str) or not _ISO_DATE.fullmatch(text):
        raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r} (no such day)") from None


def parse_article_date(value: str) -> date:
    """An article's publication date typed by a user (upload form, ``ingest --date``):
    ``YYYY-MM-DD`` within the years ``parse_date`` accepts. A filter's bound may be far off
    ("until 2999-12-31"); an article dated year 1 or 9999 is a typo."""
    result = parse_user_date(value)
    if not _MIN_YEAR <= result.year <= _MAX_YEAR:
        raise ValueError(f"expected a date between {_MIN_YEAR}-01-01 and {_MAX_YEAR}-12-31, got {value!r}")
    return result


def _from_struct_time(value: time.struct_time) -> date | None:
    try:
        return date(value.tm_year, value.tm_mon, value.tm_mday)
    except ValueError:
        return None


@lru_cache(maxsize=4096)  # feeds and batches repeat the same date strings
def _parse_string(text: str) -> date | None:
    # Fast, exact formats first; dateparser is slow and guesses.
    try:
        return datetime.fromisoformat(text).date()  # 3.11: also "Z", offsets, "T"
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text).date()  # RFC 822 / 2822 (RSS)
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    import dateparser  # slow to import; only needed for free-form strings

    try:
        parsed = dateparser.parse(text, settings=_DATEPARSER_SETTINGS)
    except (ValueError, OverflowError, TypeError):
        return None
    return parsed.date() if parsed else None
