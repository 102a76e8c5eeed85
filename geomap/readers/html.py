"""HTML pages: the article's main text and metadata, via trafilatura.

trafilatura separates the article from navigation, cookie banners, related
links, comments and footers; lxml serves for fragments (a feed entry's body),
which are all content and which trafilatura may judge too short to keep.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator

import lxml.html
import trafilatura
from trafilatura.settings import set_date_params

from geomap.dates import parse_date
from geomap.model import Article
from geomap.readers import ReadError

_PAGE = re.compile(r"<!doctype\s+html|<html[\s>]|<body[\s>]", re.I)
_BLOCKS = ("p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
           "table", "tr", "section", "article", "header", "footer", "figure", "figcaption", "dl", "dt", "dd")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")


def read(content: str | bytes, origin: str, *, url: str | None = None) -> Iterator[Article | ReadError]:
    """One Article from an HTML page (``url``: where it was fetched from, if it was)."""
    data = extract(content, url=url)
    if data is None:
        yield ReadError(origin, "no article text found in the HTML page")
        return
    yield Article(origin=origin, **data)


def extract(content: str | bytes, *, url: str | None = None) -> dict | None:
    """The Article fields trafilatura finds in a page, or None when it finds no article text."""
    result = trafilatura.extract(
        content, url=url, output_format="json", with_metadata=True,
        include_comments=False, favor_precision=True,
        # No full-text date search: a "© 2025" footer or a date in a sentence is not the
        # publication date, and no date is better than a wrong one.
        date_extraction_params=set_date_params(False),
    )
    if not result:
        return None
    meta = json.loads(result)
    title = _clean(meta.get("title"))
    # trafilatura gives one paragraph per line; blank lines separate paragraphs elsewhere too.
    lines = [line.strip() for line in (meta.get("text") or "").splitlines() if line.strip()]
    if title and lines and lines[0] == title:
        lines = lines[1:]  # the page's headline repeated as the first line of the body
    if not lines:
        return None
    return {
        "title": title or lines[0],
        "text": "\n\n".join(lines),
        "published": parse_date(meta.get("date")),
        "source": _clean(meta.get("source-hostname")) or _clean(meta.get("hostname")),  # site name first
        "url": _clean(meta.get("source")) or url,  # canonical / og:url, else where it came from
        "author": _clean(meta.get("author")),
    }


def looks_like_page(content: str) -> bool:
    """Whether ``content`` is a whole HTML document rather than a fragment of one."""
    return bool(_PAGE.search(content[:4096]))


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, one paragraph per block, paragraphs blank-line separated."""
    if not fragment.strip():
        return ""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for element in root.xpath("//script|//style|//noscript|//template"):
        element.drop_tree()
    # Mark block boundaries and line breaks before flattening, so paragraphs survive.
    for element in root.iter(*_BLOCKS):
        element.text = "\n\n" + (element.text or "")
        element.tail = "\n\n" + (element.tail or "")
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    paragraphs = []
    for block in _PARAGRAPH_BREAK.split(root.text_content()):
        lines = (" ".join(line.split()) for line in block.split("\n"))
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def fetch_page(url: str) -> str | None:
    """The page at ``url`` (only ever called when the user asked for fetching), or None."""
    try:
        return trafilatura.fetch_url(url)
    except Exception:  # offline, DNS, TLS, bad URL: the caller reports "could not fetch URL"
        return None


def _clean(value: object) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None
