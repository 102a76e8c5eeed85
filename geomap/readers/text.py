"""Plain text and Markdown articles.

Layout (the bundled samples use it)::

    Title line                       (a leading Markdown "# " is dropped)
    Date: 2026-01-14                 optional header lines, up to the first blank line:
    Source: ...                      Date, Source, URL, Author (any case)

    Body, kept character for character...

    Author: Name                     optional trailing line: metadata, not body

or YAML front matter (``---`` ... ``---`` at the very top) with title, date,
source, url and author, followed by the body.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from geomap.dates import parse_date
from geomap.model import Article
from geomap.readers import ReadError

_HEADER = re.compile(r"[ \t]*(date|source|url|author)[ \t]*:[ \t]*(.*?)\s*", re.I)
_TRAILING_AUTHOR = re.compile(r"[ \t]*author[ \t]*:[ \t]*(\S.*?)\s*", re.I)
_FRONT_MATTER = re.compile(r"---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_ATX_HEADING = re.compile(r"#{1,6}[ \t]+")
_ATX_CLOSING = re.compile(r"[ \t]+#+[ \t]*$")
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\r?\n)+")


def read(content: str, origin: str) -> Iterator[Article | ReadError]:
    try:
        yield parse(content, origin)
    except ValueError as exc:
        yield ReadError(origin, str(exc))


def parse(content: str, origin: str | None = None) -> Article:
    meta, rest = _front_matter(content)
    lines = rest.splitlines(keepends=True)
    i = _skip_blank(lines, 0)
    if meta.get("title"):
        title = str(meta["title"]).strip()
        # Markdown often repeats the front matter's title as the first heading.
        if i < len(lines) and _title_of(lines[i]) == title:
            i += 1
    elif i < len(lines):
        title = _title_of(lines[i])
        i += 1
        if not meta:  # header lines belong to the plain layout, not next to front matter
            while i < len(lines) and (m := _HEADER.fullmatch(lines[i])):
                meta.setdefault(m.group(1).lower(), m.group(2))
                i += 1
    else:
        raise ValueError("the file has no text")

    body = _LEADING_BLANK_LINES.sub("", "".join(lines[i:])).rstrip()
    body, author = _trailing_author(body)
    if author and not meta.get("author"):
        meta["author"] = author
    return Article(
        title=title,
        # A lone line is both the title and the whole article: keep it as text to geoparse.
        text=body or title,
        published=parse_date(meta.get("date") or meta.get("published")),
        source=_value(meta.get("source")),
        url=_value(meta.get("url")),
        author=_value(meta.get("author")),
        origin=origin,
    )


def _front_matter(content: str) -> tuple[dict, str]:
    """(front matter keys, lower-cased; the rest of the text). Only at the very top."""
    m = _FRONT_MATTER.match(content)
    if not m:
        return {}, content
    try:
        data = yaml.safe_load(m.group(1))  # safe_load: front matter is data, never objects
    except yaml.YAMLError as exc:
        # One line: a ReadError is printed as "origin: reason"; YAML's message spans several.
        raise ValueError(f"invalid YAML front matter: {' '.join(str(exc).split())}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValueError("the YAML front matter is not a set of 'key: value' lines")
    return {str(k).lower(): v for k, v in data.items() if v is not None}, content[m.end():]


def _trailing_author(body: str) -> tuple[str, str | None]:
    """Split a final ``Author: Name`` line off the body."""
    cut = body.rfind("\n")
    if cut < 0:
        return body, None
    m = _TRAILING_AUTHOR.fullmatch(body[cut + 1:])
    if not m:
        return body, None
    return body[:cut].rstrip(), m.group(1)


def _title_of(line: str) -> str:
    """The title a line gives: ``## Heading ##`` -> ``Heading``; plain lines unchanged."""
    line = line.strip()
    if _ATX_HEADING.match(line):
        line = _ATX_CLOSING.sub("", _ATX_HEADING.sub("", line, count=1))
    return line.strip()


def _skip_blank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _value(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None
