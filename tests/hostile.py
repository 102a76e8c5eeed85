"""A shared catalogue of malformed and hostile input, fed to every entry point by
tests/test_hostile_input.py and tests/test_hostile_web.py.

``counts()`` says how many inputs each entry point is tried with (the tests use the
same lists, so the figures cannot drift); ``python benchmarks/hostile_inputs.py``
prints them.
"""
from __future__ import annotations

from dataclasses import dataclass

SECRET = "SECRETMARKER-7f3a"  # written to a temp file that external entities point at


@dataclass(frozen=True)
class Payload:
    """A file's bytes, and whether a reader should find an article in them."""

    name: str
    data: bytes
    readable: bool | None = None  # True: must give an article; False: must give a ReadError; None: either


def _billion_laughs(root: str) -> bytes:
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 8)]
    return (f'<?xml version="1.0"?><!DOCTYPE {root} [{"".join(levels)}]>'.encode()
            + (b'<rss version="2.0"><channel><title>Laughs</title><item><title>Kyiv &lol7;</title>'
               b"<description>Shelling in Kyiv &lol7;</description></item></channel></rss>"))


_NEWS = b"Shelling hit Kyiv overnight, officials in Odesa said. "
_HTML_PAGE = (b"<html><head><title>Port of Odesa</title></head><body><article><p>"
              + _NEWS * 6 + b"</p><p>" + _NEWS * 6 + b"</p></article></body></html>")
_RSS_ITEM = b"<item><title>Kyiv report</title><description>" + _NEWS + b"</description>%s</item>"


def _rss(*items: bytes) -> bytes:
    return b'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>' + b"".join(items) + b"</channel></rss>"


# -- bytes: every file-reading door (readers by extension, ingest, upload, geoparse FILE) --

PAYLOADS: list[Payload] = [
    Payload("empty", b"", readable=False),
    Payload("whitespace", b"  \n\t\r\n \x0b\x0c ", readable=False),
    Payload("nul-bytes", b"\x00" * 64, readable=False),
    Payload("nul-in-text", b"Shelling hit Kyiv\x00 overnight.\x00 Odesa too."),
    Payload("binary", bytes(range(256)) * 8, readable=False),
    Payload("png-header", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), readable=False),
    Payload("invalid-utf8", b"Shelling hit Kyiv \xff\xfe overnight, Odesa \xc3\x28 too."),
    Payload("mixed-encodings", "Caf\u00e9 in Kyiv; ".encode() + "caf\u00e9 in Odesa.".encode("latin-1")),
    Payload("utf16-bom", "Shelling hit Kyiv and Odesa.".encode("utf-16")),
    Payload("bom-only", b"\xef\xbb\xbf", readable=False),
    Payload("encoded-surrogate", b"Kyiv \xed\xa0\x80 Odesa"),
    Payload("control-chars", b"Kyiv\x01\x02\x1b[31m Odesa\x7f\x1b]0;title\x07"),
    Payload("one-long-line", b"Kyiv " + b"the convoy moved on and on " * 20_000 + b"Odesa"),  # 540 kB, one line
    Payload("deep-html", b"<html><body>" + b"<div>" * 20_000 + b"Kyiv" + b"</div>" * 20_000 + b"</body></html>"),
    Payload("truncated-html", _HTML_PAGE[: len(_HTML_PAGE) // 2]),
    Payload("truncated-tag", b"<html><bo"),
    Payload("script-only-html", b"<html><body><script>alert('Kyiv')</script><style>p{}</style></body></html>"),
    Payload("truncated-rss", _rss(_RSS_ITEM % b"")[:-40]),
    Payload("malformed-rss", b"<rss><channel><item><title>Kyiv<description></item></rss>"),
    Payload("atom-garbage", b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>Kyiv</title>'
                            b'<content type="html">&lt;p&gt;Kyiv &amp;bogus; &#xD800;&lt;/p&gt;</content>'
                            b"<updated>99999-13-45T99:99:99+99:99</updated></entry></feed>"),
    Payload("billion-laughs", _billion_laughs("rss")),
    Payload("jsonl-garbage", b'{"text": "Kyiv"\n[1, 2]\n"text"\nnull\n{"text": 5}\n{"id": {"a": [1]}, "text": "Odesa"}\n'),
    Payload("jsonl-deep-nesting", b"[" * 100_000 + b"\n" + b'{"text": "Shelling hit Kharkiv."}\n'),
    Payload("jsonl-huge-number", b'{"text": "Kyiv", "id": ' + b"9" * 5000 + b'}\n{"text": "Odesa", "date": 1e400}\n'),
    Payload("jsonl-surrogate-escape", b'{"title": "\\ud800", "text": "Kyiv \\udfff Odesa", "author": "\\ud83d"}\n'
                                      b'{"html": "<p>Shelling hit Kyiv \\ud800 overnight.</p>"}\n'),
    Payload("jsonl-nul-escape", b'{"title": "\\u0000", "text": "Kyiv\\u0000Odesa", "url": "\\u0000"}\n'),
    Payload("yaml-object-tag", b"---\n!!python/object/apply:os.system ['echo PWNED']\n---\nKyiv"),
    Payload("yaml-not-a-mapping", b"---\n- a\n- b\n---\nKyiv"),
    Payload("yaml-broken", b"---\ntitle: [1, 2\n---\nKyiv"),
    Payload("sql-injection", b"'; DROP TABLE articles; --\n\nShelling hit Kyiv \" OR 1=1 --"),
    Payload("path-traversal", b"../../../../etc/passwd\nURL: file:///etc/passwd\n\nShelling hit Kyiv."),
    Payload("rtl-and-confusables", "\u202eKyiv\u202c and \u200fOdesa\u200e, \u041a\u0443\u0456v and \u039fdesa.".encode()),
    Payload("combining-marks", "Ky\u0301i\u0308v and O\u0336d\u0336e\u0336s\u0336a\u0336 and Kharkiv.".encode()),
    Payload("html-entities-garbage", b"<p>Kyiv &#0; &#xFFFFFFFF; &#99999999; &bogus; &lt</p>"),
]

# Dates an article may claim (file header, front matter, JSON Lines, feed): none may reach the store as a date.
ABSURD_DATES = [
    "0000-00-00", "0000-01-01", "0001-01-01", "99999-01-01", "2025-13-45", "2025-02-30",
    "2025-01-01T25:61:61", "2025-01-01T00:00:00+99:99", "Mon, 00 Jan 0000 25:61:61 +9999",
    "Fri, 31 Dec 99999 00:00:00 GMT", "10000000000000000000000", "-1", "1e309", "yesterday",
    "\x00", "' OR 1=1 --", "../../etc/passwd",
]

# Query-string / option values tried on every filter parameter.
PARAM_VALUES = [
    "", " ", "\x00", "0", "-1", "1.5", "1e5", "0x10", "\u0661\u0662",  # Arabic-Indic digits
    "99999999999999999999999", str(2**63), str(2**63 - 1), str(-(2**63) - 1), str(2**31), str(2**31 - 1),
    "' OR 1=1 --", "1; DROP TABLE articles", "%", "_", "\\", "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd",
    "0000-01-01", "0001-01-01", "9999-12-31", "99999-01-01", "2025-02-30", "2025-01-01T00:00:00+99:99",
    "\uff12\uff10\uff12\uff15-01-01",  # full-width digits
    "\u202eAU", "UA\u200f", "\u0391U",  # RTL override, RTL mark, Greek capital alpha
    "<script>alert(1)</script>", "${7*7}{{7*7}}", "a" * 5000,
    "1,2,3,4,5", "1e999,0,1,1", "-0,-0,-0,-0", ",,,", "180,90,-180,-90",  # viewport boxes (bbox)
]

# Names of the filter and paging parameters every page and API endpoint accepts.
FILTER_PARAMS = ["article", "since", "until", "country", "q", "review", "bbox"]
PAGING_PARAMS = ["page", "_size", "_offset", "_mentions", "place", "download", "granularity", "limit", "zoom"]

# Ids tried in paths (/articles/<id>, /places/<id>, ...), as they appear in the URL.
PATH_IDS = ["0", "-1", "99999999999999999999999", str(2**63), str(2**63 - 1), str(2**31), str(2**31 - 1), "1.5",
            "1e3", "..%2F..%2Fetc%2Fpasswd", "%00", "abc", "1%20OR%201=1"]

# Unicode place-name variants for geoparse: each must give correct offsets, whatever it finds.
TEXTS = [
    "", " ", "\n\n\n", "\x00", "\x00Kyiv\x00", "Kyiv\x00Odesa", "\ufeffKyiv", "\u202eKyiv\u202c",
    "\u200fOdesa\u200e and \u200bKharkiv\u200b", "\u041a\u0443\u0456v", "Ky\u0301iv", "Kyi\u0301v",
    "\u0130stanbul and Kyiv", "STRA\u00dfE in Berlin", "\ufb01nland and Kyiv", "K\u200dyiv",
    "KYIV ODESA KHARKIV", "kyiv odesa", "Kyiv" * 1000, "Kyiv, " * 1000, "New\nYork and Washington",
    "\U0001F1FA\U0001F1E6 Kyiv \U0001F600", "Kyiv\r\nOdesa\rKharkiv\u2028Lviv\u2029Dnipro",
    "'; DROP TABLE places; -- Kyiv", "../../etc/passwd Kyiv", "<script>Kyiv</script>",
    ".!?" * 500 + "Kyiv", "\t" * 1000 + "Kyiv",
]

# The upload form's text fields (pasted text, title, date, source).
UPLOAD_FIELDS = ["text", "title", "date", "source"]
UPLOAD_VALUES = ["\x00", "   ", "\u202eKyiv", "'; DROP TABLE articles; --", "../../etc/passwd",
                 "<script>alert(1)</script>", "Kyiv\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
                 "0000-00-00", "99999-01-01", "2025-01-01T00:00+99:99"]

UPLOAD_DATES = ["0000-00-00", "0001-01-01", "99999-01-01", "9999-12-31", "2025-02-30", "2025-01-01T00:00+99:99", "\x00"]
TRAVERSAL_URLS = ["/static/../../etc/passwd", "/static/..%2F..%2Fsetup.py", "/static/%2e%2e/setup.py",
                  "/basemap/..%2Fcountries.geojson", "/static/vendor/..%2F..%2F..%2Fgeomap/cli.py"]
UPLOAD_NAMES = ["../../../../tmp/geomap-evil.txt", "..\\..\\evil.txt", "/etc/passwd", "\x00.txt", "\u202etxt.exe",
                "' OR 1=1 --.txt"]
PROPERTY_TESTS, PROPERTY_EXAMPLES = 3, 150  # tests/test_geoparse_properties.py: generated texts per test

READER_EXTENSIONS = [".txt", ".md", ".html", ".rss", ".atom", ".xml", ".jsonl", ".unknown"]
EXPORT_FORMATS = ["/api/places.geojson", "/api/mentions.geojson", "/export.csv"]
PAGES = ["/", "/articles", "/places/{place}", "/review", "/api/articles", *EXPORT_FORMATS]
PATH_ROUTES = ["/articles/{}", "/places/{}", "/mentions/{}/correct", "/api/mentions/{}/candidates.geojson"]
CLI_EXPORT_OPTIONS = ["--article", "--since", "--until", "--country", "--q"]
XXE_TARGETS = ["file", "http", "parameter-entity"]
XXE_CARRIERS = [".rss", ".atom", ".html", ".xml", ".jsonl"]


def counts() -> dict[str, int]:
    """Inputs tried per entry point, as the hostile-input tests use them."""
    params = FILTER_PARAMS + PAGING_PARAMS
    return {
        "geoparse (function)": len(TEXTS) + len(PAYLOADS) + 1,  # + the 50 MB single line
        "geoparse (hypothesis, generated per run)": PROPERTY_TESTS * PROPERTY_EXAMPLES,
        "readers (each file extension, sniffed, directory, stdin)": len(PAYLOADS) * (len(READER_EXTENSIONS) + 2),
        "dates in articles (text header, front matter, JSON Lines, RSS)": len(ABSURD_DATES) * 4,
        "XML external entities (feeds, HTML, JSON Lines html)": len(XXE_TARGETS) * len(XXE_CARRIERS),
        # each file through the ingest service, all of them in one CLI run, and --date values
        "geomap ingest (service and CLI)": len(PAYLOADS) + len(ABSURD_DATES),
        "geomap geoparse (CLI: FILE and --jsonl)": len(PAYLOADS) * 2,
        "geomap export (CLI options)": len(PARAM_VALUES) * len(CLI_EXPORT_OPTIONS),
        "upload form (files, fields, size limit, CSRF)": len(PAYLOADS) + len(UPLOAD_FIELDS) * len(UPLOAD_VALUES) + len(UPLOAD_DATES)
        + len(UPLOAD_NAMES) + 2,
        "web filters and paging (pages, API, exports)": len(PAGES) * len(params) * len(PARAM_VALUES),
        "ids and path traversal in URL paths": len(PATH_ROUTES) * len(PATH_IDS) + len(TRAVERSAL_URLS),
    }
