"""JSON Lines: one article object per line.

Fields: ``id``, ``title``, ``text`` or ``html``, ``date``, ``url``, ``source``,
``author``. A bad line becomes a ReadError named ``file.jsonl:LINE`` and the
rest of the file is still read: one typo must not lose a whole batch.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from geomap.dates import parse_date
from geomap.model import Article
from geomap.readers import ReadError, without_surrogates
from geomap.readers.html import extract, html_to_text, looks_like_page

_TITLE_LIMIT = 200  # a title defaulted from a long first line is cut at a word boundary


def read(content: str, origin: str) -> Iterator[Article | ReadError]:
    # split("\n"), not splitlines(): JSON strings may hold raw U+2028 and friends.
    return read_lines(content.split("\n"), origin)


def read_lines(lines: Iterable[str], origin: str) -> Iterator[Article | ReadError]:
    """Articles from lines as they come (a file of any size, or stdin still being written)."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{origin}:{number}"
        try:
            yield _article(line, where)
        except ValueError as exc:
            yield ReadError(where, str(exc))


def _article(line: str, origin: str) -> Article:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:  # "[[[[…" nested past Python's stack: this line only, not the whole file
        raise ValueError("not valid JSON for an article: nested too deeply") from None
    except ValueError:  # an integer of more than 4300 digits
        raise ValueError("not valid JSON for an article: a number is too long") from None
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")

    text, html = record.get("text"), _string(record.get("html"))
    if html:
        html = without_surrogates(html)  # a JSON "\ud800" escape: lxml cannot encode it
    found: dict = {}  # what the HTML's own metadata says, under the line's explicit fields
    if isinstance(text, str) and text.strip():
        pass  # kept exactly as given: callers may hold offsets into it
    elif html:
        found = extract(html) or {}
        # A fragment (no <html>/<body>) is all content: keep it even when trafilatura finds it too short.
        text = found.get("text") or ("" if looks_like_page(html) else html_to_text(html))
        if not text:
            raise ValueError('no article text found in its "html"')
    else:
        raise ValueError('needs a non-empty "text" or "html" field')

    record_id = record.get("id")
    return Article(
        title=_string(record.get("title")) or found.get("title") or _first_line(text),
        text=text,
        published=parse_date(record.get("date")) or found.get("published"),
        source=_string(record.get("source")) or found.get("source"),
        url=_string(record.get("url")) or found.get("url"),
        author=_string(record.get("author")) or found.get("author"),
        origin=origin,
        external_id=None if record_id is None else str(record_id),
    )


def _string(value: object) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _first_line(text: str) -> str:
    line = next(line.strip() for line in text.splitlines() if line.strip())
    if len(line) <= _TITLE_LIMIT:
        return line
    return line[:_TITLE_LIMIT].rsplit(" ", 1)[0] + "…"
