"""Readers: files, directories, stdin and (when asked) URLs in; Articles out.

``iter_articles`` never raises for a bad input: each path that cannot be read
becomes a ``ReadError`` in the stream and the batch goes on, so one broken file
does not stop an ingest of thousands.
"""
from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from geomap.model import Article
from geomap.textio import InputError, LineInput, read_text


@dataclass(frozen=True, slots=True)
class ReadError:
    """An input (a path, "<stdin>", "file.jsonl:12", "feed.xml#3") that gave no article, and why."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


class ReadWarning(UserWarning):
    """An article was read, but not perfectly (e.g. invalid UTF-8 replaced)."""


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _without_surrogates(article: Article) -> Article:
    """Lone surrogates ("\\ud800" in JSON, "&#xD800;" in a feed) replaced by U+FFFD, one for one
    so offsets hold: no UTF-8 encoder (the store, lxml, a JSON writer) accepts them."""
    for name in ("title", "text", "source", "url", "author", "origin", "external_id"):
        value = getattr(article, name)
        if isinstance(value, str) and _SURROGATE.search(value):
            setattr(article, name, without_surrogates(value))
    return article


def without_surrogates(value: str) -> str:
    return _SURROGATE.sub("\ufffd", value)


# The format modules import ReadError and without_surrogates from here, so they come after them.
from geomap.readers import feed, html, jsonl, text  # noqa: E402

EXTENSIONS = {
    ".txt": "text", ".md": "text", ".markdown": "text",
    ".html": "html", ".htm": "html",
    ".xml": "feed", ".rss": "feed", ".atom": "feed",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
}
_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:rdf)[\s>]", re.I)
_HTML_TAG = re.compile(r"<(?:!doctype\s+html|html|head|body|article|div|p|h[1-6])[\s>/]", re.I)
_URL = re.compile(r"https?://", re.I)

__all__ = ["EXTENSIONS", "ReadError", "ReadWarning", "iter_articles", "sniff"]


def iter_articles(paths: Iterable[str], *, fetch: bool = False,
                  date_override: date | None = None) -> Iterator[Article | ReadError]:
    """Articles (and ReadErrors) from each path in turn.

    A path is ``-`` (stdin), a directory (walked recursively in sorted order,
    hidden entries skipped), a file (format from its extension, else from its
    content) or, with ``fetch=True`` only, an http(s) URL.
    ``date_override`` replaces every article's date.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]  # one path, not an iterable of its characters
    for path in paths:
        path = os.fspath(path)
        for item in _read_path(path, fetch):
            if date_override is not None and isinstance(item, Article):
                item.published = date_override
            yield item


def sniff(content: str) -> str:
    """The format ``content`` looks like: "jsonl", "feed", "html" or "text"."""
    head = content.lstrip("\ufeff \t\r\n")[:4096]
    if head.startswith("{"):
        return "jsonl"
    if head.startswith("<"):
        if _FEED_ROOT.search(head):  # feeds first: their entries may hold HTML tags
            return "feed"
        if _HTML_TAG.search(head):
            return "html"
    return "text"


def _read_path(path: str, fetch: bool) -> Iterator[Article | ReadError]:
    if _URL.match(path):
        yield from _read_url(path, fetch)
    elif path == "-":
        yield from _read_file(path, "<stdin>", fetch)
    elif os.path.isdir(path):
        for item in _walk(path):
            if isinstance(item, ReadError):
                yield item
            else:
                yield from _read_file(item, item, fetch)
    else:
        yield from _read_file(path, path, fetch)


def _read_file(path: str, origin: str, fetch: bool) -> Iterator[Article | ReadError]:
    kind = None if path == "-" else EXTENSIONS.get(Path(path).suffix.lower())
    try:  # each refuses missing, unreadable, binary and empty files
        if kind in (None, "jsonl"):
            # JSON Lines is read a line at a time: a file of any size is never held whole,
            # and a stream on stdin gives each article as its line arrives, not at its end.
            source = LineInput(path)
            if (kind or sniff(source.head)) == "jsonl":
                yield from _parse("jsonl", source, origin, fetch)
                return
            loaded = source.whole()
        else:
            loaded = read_text(path)
    except InputError as exc:
        yield ReadError(origin, str(exc).removeprefix(f"{origin}: "))
        return
    kind = kind or sniff(loaded.text)
    content: str | bytes = loaded.text
    if loaded.warnings and kind in ("html", "feed") and path != "-":
        # Not UTF-8: hand the parser the bytes, so it honours the page's declared charset.
        try:
            content = Path(path).read_bytes()
        except OSError as exc:
            yield ReadError(origin, exc.strerror or str(exc))
            return
    else:
        for message in loaded.warnings:
            warnings.warn(message, ReadWarning, stacklevel=3)
    yield from _parse(kind, content, origin, fetch)


def _read_url(url: str, fetch: bool) -> Iterator[Article | ReadError]:
    if not fetch:
        yield ReadError(url, "this is a URL and fetching is off; pass --fetch (fetch=True) to download it")
        return
    page = html.fetch_page(url)
    if not page:
        yield ReadError(url, f"could not fetch URL: {url}")
        return
    yield from _parse(sniff(page), page, url, fetch, url=url)


def _parse(kind: str, content: str | bytes | LineInput, origin: str, fetch: bool,
           url: str | None = None) -> Iterator[Article | ReadError]:
    try:
        if kind == "feed":
            items = feed.read(content, origin, fetch=fetch)
        elif kind == "html":
            items = html.read(content, origin, url=url)
        elif isinstance(content, LineInput):
            items = jsonl.read_lines(content.lines(_warn), origin)
        elif kind == "jsonl":
            items = jsonl.read(content, origin)
        else:
            items = text.read(content, origin)
        for item in items:
            yield _without_surrogates(item) if isinstance(item, Article) else item
    except Exception as exc:  # a parser's bug, a pathological file or a failing disk: report it, go on
        yield ReadError(origin, f"could not read it as {kind}: {type(exc).__name__}: {exc}")
    finally:
        if isinstance(content, LineInput):
            content.close()


def _warn(message: str) -> None:
    warnings.warn(message, ReadWarning, stacklevel=2)


def _walk(directory: str) -> Iterator[str | ReadError]:
    """Files with a known extension under ``directory``, sorted; hidden files and directories skipped."""
    errors: list[OSError] = []
    found = False
    for root, dirs, files in os.walk(directory, onerror=errors.append):
        yield from (ReadError(e.filename or directory, e.strerror or str(e)) for e in errors)
        errors.clear()
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))  # also fixes the walk's order
        for name in sorted(files):
            if not name.startswith(".") and Path(name).suffix.lower() in EXTENSIONS:
                found = True
                yield os.path.join(root, name)
    yield from (ReadError(e.filename or directory, e.strerror or str(e)) for e in errors)
    if not found:
        known = " ".join(sorted(EXTENSIONS))
        yield ReadError(directory, f"no article files found in this directory (looked for {known})")
