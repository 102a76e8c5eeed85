"""RSS 2.0 and Atom 1.0 feeds: one article per entry, via feedparser.

Safety: feedparser is only ever handed a byte stream. Given a string it would
fetch it if it looked like a URL, or open it if it named a file. And the
DOCTYPE is removed before parsing, so no entity (external or exponential) can
be declared: a feed cannot make us read a local file (XXE).
"""
from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator

import feedparser

from geomap.dates import parse_date
from geomap.model import Article
from geomap.readers import ReadError, ReadWarning, without_surrogates
from geomap.readers.html import extract, fetch_page, html_to_text

# A DOCTYPE with an optional internal subset; quoted strings may contain "]" or ">".
_DOCTYPE = re.compile(rb"""<!DOCTYPE(?:[^>\["']|"[^"]*"|'[^']*')*(?:\[(?:[^\]"']|"[^"]*"|'[^']*')*\])?\s*>""", re.I)
_XML_ENCODING = re.compile(r"""\A(\s*<\?xml[^>]*?encoding\s*=\s*)["'][^"']*["']""")


def read(content: str | bytes, origin: str, *, fetch: bool = False) -> Iterator[Article | ReadError]:
    """Articles of a feed; with ``fetch``, each entry's page is downloaded for its full text."""
    parsed = feedparser.parse(io.BytesIO(_safe_bytes(content)))
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        yield ReadError(origin, f"not a readable RSS/Atom feed: {problem}" if problem else "the feed has no entries")
        return
    source = _plain(parsed.feed.get("title"), parsed.feed.get("title_detail"))
    feed_author = parsed.feed.get("author_detail", {}).get("name") or parsed.feed.get("author")
    for number, entry in enumerate(parsed.entries, start=1):
        yield _entry(entry, f"{origin}#{number}", source, feed_author, fetch)


def _entry(entry, origin: str, source: str | None, feed_author: str | None, fetch: bool) -> Article | ReadError:
    link = entry.get("link") or None
    text = _entry_text(entry)
    page: dict = {}
    if fetch and link:
        html = fetch_page(link)
        page = (extract(html, url=link) if html else None) or {}
        if not page and text:
            warnings.warn(f"{origin}: could not fetch URL: {link}; using the feed's own text", ReadWarning, stacklevel=2)
        elif not page:
            return ReadError(origin, f"could not fetch URL: {link}")
    text = page.get("text") or text
    if not text:
        hint = "; pass --fetch to download its page" if link else ""
        return ReadError(origin, f"the entry has no text (no content or summary){hint}")

    published = _entry_date(entry)
    return Article(
        title=_plain(entry.get("title"), entry.get("title_detail")) or page.get("title") or text.split("\n", 1)[0],
        text=text,
        published=published or page.get("published"),
        source=source or page.get("source"),
        url=link or page.get("url"),
        # RSS <author> is "email (Name)": feedparser splits it into author_detail.
        author=entry.get("author_detail", {}).get("name") or entry.get("author") or feed_author or page.get("author"),
        origin=origin,
        external_id=entry.get("id") or None,
    )


def _entry_date(entry):
    """The entry's date from its raw date strings; feedparser's *_parsed values only when
    there is no raw string at all.

    The raw strings first: feedparser's *_parsed values are shifted to UTC, which can move a
    late-evening story to the next day, and they roll impossible dates over ("2025-02-30"
    becomes March 2nd, month 13 next January) where no date is better than a wrong one.
    dict.get: feedparser's own get() maps a missing "updated" to "published" with a warning.
    """
    for key in ("published", "updated"):
        raw = dict.get(entry, key)
        found = parse_date(raw) if raw is not None else parse_date(dict.get(entry, f"{key}_parsed"))
        if found:
            return found
    return None


def _entry_text(entry) -> str:
    """Plain text of the entry's full content if present, else of its summary."""
    for detail in [*entry.get("content", []), entry.get("summary_detail")]:
        if detail and (detail.get("value") or "").strip():
            return _plain(detail["value"], detail) or ""
    return ""


def _plain(value: str | None, detail) -> str | None:
    """Feed text constructs may be HTML or plain text; return plain text."""
    if not value or not value.strip():
        return None
    value = without_surrogates(value)  # "&#xD800;" decodes to one, which lxml cannot encode
    if detail and detail.get("type") == "text/plain":
        return value.strip()
    return html_to_text(value) or None


def _safe_bytes(content: str | bytes) -> bytes:
    if isinstance(content, str):
        # Already decoded: say so, or an encoding="..." declaration would decode it twice.
        content = _XML_ENCODING.sub(r'\1"utf-8"', content, count=1).encode("utf-8")
    return _CHARREF.sub(_valid_charref, _DOCTYPE.sub(b"", content))


# A numeric character reference, also escaped once ("&amp;#...;" inside escaped HTML content).
_CHARREF = re.compile(rb"&(amp;)?#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")


def _valid_charref(m: re.Match) -> bytes:
    """The reference itself, or U+FFFD's when it names no character: feedparser's sanitizer
    raises on "&#xD800;" (a surrogate) and "&#99999999999;" instead of skipping them."""
    digits, base = (m.group(2), 16) if m.group(2) else (m.group(3), 10)
    code = int(digits, base) if len(digits) <= 8 else -1
    if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
        return m.group(0)
    return b"&" + (m.group(1) or b"") + b"#xFFFD;"
