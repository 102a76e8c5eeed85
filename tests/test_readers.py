"""Readers over real files: text, Markdown, HTML, RSS, Atom, JSON Lines, directories, stdin."""
from __future__ import annotations

import hashlib
import io
import os
import shutil
import sys
from datetime import date
from pathlib import Path

import lxml.etree
import pytest
import trafilatura

from geomap.model import Article
from geomap.readers import ReadError, ReadWarning, iter_articles, sniff

ARTICLES = Path(__file__).parent / "fixtures" / "articles"
MIXED = ARTICLES / "mixed"


def read(*paths, **options) -> list[Article | ReadError]:
    return list(iter_articles([str(p) for p in paths], **options))


def only(items) -> Article:
    assert len(items) == 1 and isinstance(items[0], Article), items
    return items[0]


def use_stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


# --- plain text and Markdown -------------------------------------------------------------


def test_plain_text_with_header_lines_and_trailing_author():
    path = ARTICLES / "kharkiv-substation.txt"
    article = only(read(path))
    assert article.title == "Drone strike knocks out power to parts of Kharkiv"
    assert article.published == date(2025, 1, 14)
    assert article.source == "Fixture Wire"
    assert article.url == "https://news.example.org/2025/01/14/kharkiv-substation"
    assert article.author == "Olena Marchenko"
    assert article.origin == str(path)
    # The body is the file's characters between the headers and the Author line, unchanged.
    raw = path.read_text(encoding="utf-8")
    start = raw.index("Parts of Kharkiv")
    end = raw.index("as written.") + len("as written.")
    assert article.text == raw[start:end]
    assert "\n  An indented line, kept exactly as written." in article.text
    assert "Author:" not in article.text and "Date:" not in article.text


def test_markdown_with_yaml_front_matter():
    article = only(read(ARTICLES / "goma-airport.md"))
    assert article.title == "Flights to Goma stay grounded as fighting nears the airport"
    assert article.published == date(2025, 2, 3)
    assert article.source == "Fixture Monitor"
    assert article.url == "https://monitor.example.net/africa/goma-airport"
    assert article.author == "Jean-Paul Mbuyi"
    # The heading repeating the title is not body; Markdown markup is kept as written.
    assert article.text.startswith("Commercial flights to Goma remained suspended on Monday")
    assert "Aid groups in **North Kivu** said" in article.text
    assert "---" not in article.text and "title:" not in article.text


def test_markdown_heading_is_the_title_without_front_matter():
    article = only(read(MIXED / "nested" / "e-tigray.markdown"))
    assert article.title == "Roads into Tigray reopen to aid trucks"
    assert article.text == "Aid trucks travelled from Semera to Mekelle this week, the first convoy on that road in a month."
    assert article.published is None and article.url is None


def test_the_bundled_samples_read_as_text():
    samples = Path(__file__).resolve().parent.parent / "geomap" / "samples"
    articles = read(samples)
    assert len(articles) == len(list(samples.glob("*.txt")))
    first = articles[0]
    assert first.title == "Shelling continues along the eastern front as Donetsk towns brace for winter"
    assert first.published == date(2026, 1, 14)
    assert first.source.startswith("geomap sample article")
    assert first.text.startswith("Artillery exchanges continued this week")


def test_invalid_yaml_front_matter_is_a_read_error(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: [unclosed\n---\n\nBody about Kherson.\n", encoding="utf-8")
    [error] = read(bad)
    assert isinstance(error, ReadError) and error.origin == str(bad)
    assert "invalid YAML front matter" in error.reason


# --- HTML --------------------------------------------------------------------------------


def test_html_page_keeps_the_article_and_drops_the_boilerplate():
    article = only(read(ARTICLES / "odesa-port.html"))
    assert article.title == "Odesa port resumes grain loading after overnight attack"
    assert article.published == date(2025, 3, 9)
    assert article.author == "Maria Kovalenko"
    assert article.source == "Harbour Herald"
    assert article.url == "https://harbourherald.example.com/world/odesa-port-grain"
    for sentence in [
        "Cargo ships resumed loading grain in Odesa on Sunday",
        "Loading at the neighbouring port of Chornomorsk was not affected.",
        "review war-risk premiums for the route toward the Bosporus.",
        "sending much of the cargo past Romania's port of Constanța.",
    ]:
        assert sentence in article.text
    for boilerplate in ["cookies", "Subscribe", "Home", "Related stories", "Danube ports", "Reader1984",
                        "Stay safe", "Advertisement", "ferry tickets", "All rights reserved", "Privacy policy",
                        "dataLayer", "position: fixed"]:
        assert boilerplate not in article.text, boilerplate
    assert not article.text.startswith(article.title)  # the headline is the title, not body
    assert "\n\n" in article.text  # paragraphs stay apart


def test_html_without_an_article_is_a_read_error(tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<html><body><nav><a href='/'>Home</a> <a href='/world'>World news</a></nav>"
                    "<div class='content'></div><footer>Copyright 2025 Example News. All rights reserved."
                    " Privacy policy.</footer></body></html>", encoding="utf-8")
    [error] = read(page)
    assert isinstance(error, ReadError) and "no article text" in error.reason


# --- feeds -------------------------------------------------------------------------------


def test_rss_feed_gives_one_article_per_item():
    path = ARTICLES / "sudan-briefing.rss"
    first, second, third = read(path)
    assert [a.title for a in (first, second, third)] == [
        "Convoy reaches El Fasher after week-long journey",
        "Flooding cuts road between Kassala and Gedaref",
        "Chad opens new camp near Adré",
    ]
    assert {a.source for a in (first, second, third)} == {"Sahel and Horn Briefing"}
    assert [a.origin for a in (first, second, third)] == [f"{path}#1", f"{path}#2", f"{path}#3"]
    # content:encoded wins over the teaser, as plain text with paragraphs kept apart.
    assert first.text == ("An aid convoy reached El Fasher on Tuesday after a week on the road from Port Sudan, "
                          "relief officials said.\n\nThe trucks carried food and medicine for families sheltering "
                          "in the city, the capital of North Darfur.")
    assert "teaser" not in first.text
    assert first.url == "https://briefing.example.org/2025/04/el-fasher-convoy"
    assert first.author == "Amira Hassan"  # dc:creator
    assert first.external_id == "briefing-0001"
    assert first.published == date(2025, 4, 15)
    # An escaped-HTML description; the date as written (+0300), not shifted to UTC.
    assert second.text.startswith("Heavy rain washed away a bridge") and "<p>" not in second.text
    assert second.author == "Yusuf Adam"  # from "email (Name)"
    assert second.published == date(2025, 4, 16)
    assert third.text == "Authorities in Chad opened a new camp near Adré for refugees crossing from West Darfur."
    assert third.published == date(2025, 4, 17)
    assert third.author is None


def test_atom_feed_gives_one_article_per_entry():
    first, second = read(ARTICLES / "red-sea-updates.atom")
    assert first.title == "Tanker diverted away from Hodeidah"
    assert first.text == ("A tanker bound for Hodeidah was diverted on Tuesday after a naval patrol reported "
                          "small boats nearby.\n\nThe ship later anchored off Djibouti.")
    assert first.url == "https://shipping.example.com/2025/05/hodeidah-tanker"
    assert first.published == date(2025, 5, 20)  # <published>, not <updated>
    assert first.author == "Layla Saleh"
    assert first.source == "Red Sea Shipping Updates"
    assert second.title == "Suez Canal traffic edges up"
    assert second.text.startswith("More container ships transited the Suez Canal")
    assert second.published == date(2025, 5, 21)  # only <updated>
    assert second.author == "Shipping Desk"  # inherited from the feed, as Atom says


def test_feed_external_entities_are_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-4242", encoding="utf-8")
    uri = secret.resolve().as_uri()
    for declaration in [f'<!ENTITY xxe SYSTEM "{uri}">',
                        f'<!ENTITY xxe SYSTEM "{secret}">',
                        f'<!ENTITY % remote SYSTEM "{uri}"> %remote; <!ENTITY xxe "x">']:
        feed = tmp_path / "evil.rss"
        feed.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE rss [ {declaration} ]>
<rss version="2.0"><channel><title>Feed &xxe;</title>
<item><title>Item &xxe;</title><link>https://evil.example/1</link>
<description>Shelling near Kherson &xxe; overnight.</description></item>
</channel></rss>""", encoding="utf-8")
        if "%" not in declaration:  # the payload is live: a parser that resolves entities leaks it
            naive = lxml.etree.XMLParser(resolve_entities=True, no_network=True)
            assert b"TOP-SECRET-4242" in lxml.etree.tostring(lxml.etree.parse(str(feed), naive))
        items = read(feed)
        assert "TOP-SECRET-4242" not in repr(items), declaration
        assert any(isinstance(a, Article) and "Kherson" in a.text for a in items)


def test_feed_never_fetches_without_permission(tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("fetched without fetch=True")

    monkeypatch.setattr(trafilatura, "fetch_url", no_network)
    assert len(read(ARTICLES / "sudan-briefing.rss")) == 3
    [error] = read("https://example.com/news/kyiv")
    assert error == ReadError("https://example.com/news/kyiv", error.reason)
    assert "--fetch" in error.reason


def test_feed_with_fetch_uses_the_full_page_and_falls_back_offline(monkeypatch):
    page = (ARTICLES / "odesa-port.html").read_text(encoding="utf-8")
    fetched = []

    def fake_fetch(url, *args, **kwargs):
        fetched.append(url)
        return page if url.endswith("el-fasher-convoy") else None  # the others: "offline"

    monkeypatch.setattr(trafilatura, "fetch_url", fake_fetch)
    with pytest.warns(ReadWarning) as caught:
        first, second, third = read(ARTICLES / "sudan-briefing.rss", fetch=True)
    assert len(fetched) == 3
    assert [str(w.message).split(": ", 1)[1] for w in caught] == [
        "could not fetch URL: https://briefing.example.org/2025/04/kassala-floods; using the feed's own text",
        "could not fetch URL: https://briefing.example.org/2025/04/adre-camp; using the feed's own text",
    ]
    assert "Cargo ships resumed loading grain in Odesa" in first.text  # the page's text
    assert first.title == "Convoy reaches El Fasher after week-long journey"  # the feed's own fields win
    assert first.url == "https://briefing.example.org/2025/04/el-fasher-convoy"
    assert second.text.startswith("Heavy rain washed away a bridge")  # the feed's summary


def test_feed_entry_without_text_is_a_read_error(tmp_path, monkeypatch):
    monkeypatch.setattr(trafilatura, "fetch_url", lambda url, *a, **k: None)  # offline
    feed = tmp_path / "bare.atom"
    feed.write_text("""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Bare</title><id>urn:x</id><updated>2025-01-01T00:00:00Z</updated>
<entry><title>Only a link to Sumy</title><id>urn:x:1</id><link href="https://bare.example/sumy"/>
<updated>2025-01-01T00:00:00Z</updated></entry></feed>""", encoding="utf-8")
    [error] = read(feed)
    assert error == ReadError(f"{feed}#1", "the entry has no text (no content or summary); pass --fetch to download its page")
    [error] = read(feed, fetch=True)
    assert error == ReadError(f"{feed}#1", "could not fetch URL: https://bare.example/sumy")


# --- JSON Lines --------------------------------------------------------------------------


def test_jsonl_reads_good_lines_around_a_broken_one():
    path = ARTICLES / "gaza-dispatches.jsonl"
    first, second, broken, fourth = read(path)
    assert first.title == "Crossing at Kerem Shalom reopens"
    assert first.external_id == "gz-1"
    assert first.origin == f"{path}:1"
    assert first.published == date(2025, 6, 2)
    assert first.url == "https://dispatch.example.org/gaza/kerem-shalom"
    assert first.source == "Dispatch Desk" and first.author == "Noor Khalil"
    assert first.text == ("Aid trucks entered Gaza through the Kerem Shalom crossing on Monday, the UN said.\n"
                          "Drivers reported long waits at the checkpoint.")
    assert second.title == "Water shortages worsen in Khan Younis"  # its text's first line
    assert second.published == date(2025, 6, 3)
    assert broken == ReadError(f"{path}:3", broken.reason)
    assert "not valid JSON" in broken.reason
    # An "html" field is extracted like a page: no nav, no footer.
    assert fourth.title == "Clinic in Deir al-Balah treats hundreds"
    assert "A field clinic in Deir al-Balah treated more than three hundred patients" in fourth.text
    assert "Home" not in fourth.text and "Privacy" not in fourth.text
    assert fourth.published == date(2025, 6, 4) and fourth.source == "Dispatch Desk"


def test_jsonl_line_errors_name_the_line_and_the_problem(tmp_path):
    path = tmp_path / "lines.jsonl"
    path.write_text('[1, 2]\n{"title": "no body"}\n\n{"html": "<p>Fighting near <b>Pokrovsk</b>.</p>", "id": 7}\n',
                    encoding="utf-8")
    not_object, no_body, fragment = read(path)
    assert not_object == ReadError(f"{path}:1", "expected a JSON object, got list")
    assert no_body == ReadError(f"{path}:2", 'needs a non-empty "text" or "html" field')
    assert fragment.text == "Fighting near Pokrovsk." and fragment.external_id == "7"
    assert fragment.origin == f"{path}:4"


def test_jsonl_on_stdin_is_read_as_it_arrives(monkeypatch):
    """A stream (``… | geomap ingest -``) gives each article as its line arrives, not at the end."""
    import json
    import threading

    read_end, write_end = os.pipe()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(os.fdopen(read_end, "rb"), encoding="utf-8"))
    writer = os.fdopen(write_end, "wb")
    writer.write(json.dumps({"id": "live-1", "text": "Sirens sounded in Odesa."}).encode() + b"\n")
    writer.flush()
    items = iter_articles(["-"])
    first: list = []
    reader = threading.Thread(target=lambda: first.append(next(items)), daemon=True)
    reader.start()
    reader.join(timeout=20)
    try:
        assert first and first[0].external_id == "live-1"  # while the stream is still open
        writer.write(json.dumps({"id": "live-2", "text": "Then in Mykolaiv."}).encode() + b"\n")
    finally:
        writer.close()
    assert [a.external_id for a in items] == ["live-2"]


def test_jsonl_is_read_line_by_line_with_its_checks(tmp_path):
    """BOM, invalid UTF-8 on a later line (one warning naming its byte offset, the other lines
    intact), a file of blank lines and a binary file named .jsonl."""
    good = '{"id": "a", "text": "Flooding in Kharkiv."}\n'.encode()
    bad = '{"id": "b", "text": "Réfugiés à Goma."}\n'.encode("latin-1")
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + good + bad + good.replace(b'"a"', b'"c"'))
    offset = len(good) + bad.index("é".encode("latin-1"))  # counted after the BOM, as for a whole file
    with pytest.warns(ReadWarning, match=rf"offset {offset}\)"):
        first, second, third = read(path)
    assert (first.external_id, first.text) == ("a", "Flooding in Kharkiv.")
    assert second.text == "R\ufffdfugi\ufffds \ufffd Goma." and third.external_id == "c"
    assert second.origin == f"{path}:2"
    blank = tmp_path / "blank.jsonl"
    blank.write_text("\n  \n\n", encoding="utf-8")
    binary = tmp_path / "archive.jsonl"
    binary.write_bytes(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\n{}")
    assert read(blank) == [ReadError(str(blank), "the file is empty")]
    [refused] = read(binary)
    assert refused.origin == str(binary) and "binary" in refused.reason


# --- directories, stdin, errors, identity ------------------------------------------------


def test_directory_walk_mixes_formats_in_sorted_order_and_skips_hidden_and_unknown():
    items = read(MIXED)
    assert all(isinstance(a, Article) for a in items), items
    assert [os.path.relpath(a.origin, MIXED) for a in items] == [
        "a-kyiv-metro.txt",
        "b-mariupol.htm",
        "c-sahel.xml#1",
        os.path.join("nested", "d-lines.ndjson:1"),
        os.path.join("nested", "d-lines.ndjson:3"),
        os.path.join("nested", "e-tigray.markdown"),
    ]
    assert items[0].published == date(2024, 12, 17)  # "Date: 17 December 2024"
    assert items[1].title == "Displaced Mariupol residents mark anniversary in Zaporizhzhia"
    assert "Log in" not in items[1].text and "Former residents of Mariupol" in items[1].text
    assert items[2].source == "Sahel Notes"
    assert "Hidden" not in repr(items) and "hidden directories" not in repr(items)
    assert read(MIXED) == items  # deterministic


def test_unknown_extension_is_sniffed_and_binary_is_refused(tmp_path):
    [binary] = read(MIXED / "photo.dat")
    assert binary == ReadError(str(MIXED / "photo.dat"), binary.reason) and "binary" in binary.reason
    feed = tmp_path / "briefing.feed"
    shutil.copy(ARTICLES / "sudan-briefing.rss", feed)
    assert len(read(feed)) == 3
    lines = tmp_path / "dump.log"
    shutil.copy(ARTICLES / "gaza-dispatches.jsonl", lines)
    assert [type(a) for a in read(lines)] == [Article, Article, ReadError, Article]


def test_bad_files_give_read_errors_and_the_batch_goes_on(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    not_a_feed = tmp_path / "broken.xml"
    not_a_feed.write_text("<rss><channel><title>Oops", encoding="utf-8")
    paths = [tmp_path / "missing.txt", empty, binary, not_a_feed, ARTICLES / "kharkiv-substation.txt"]
    *errors, article = read(*paths)
    assert [e.origin for e in errors] == [str(p) for p in paths[:4]]
    assert all(isinstance(e, ReadError) for e in errors)
    assert errors[0].reason == "no such file"
    assert "empty" in errors[1].reason
    assert "binary" in errors[2].reason
    assert "feed" in errors[3].reason
    assert str(errors[0]) == f"{paths[0]}: no such file"
    assert article.title == "Drone strike knocks out power to parts of Kharkiv"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="Unreadable-file error not tested: needs POSIX file modes and a non-root user "
                           "(root reads files whatever their mode)")
def test_unreadable_file_is_a_read_error(tmp_path):
    locked = tmp_path / "locked.txt"
    locked.write_text("Title\n\nBody about Lviv.\n", encoding="utf-8")
    locked.chmod(0)
    try:
        [error] = read(locked)
    finally:
        locked.chmod(0o600)
    assert error == ReadError(str(locked), "permission denied")


def test_invalid_utf8_is_read_with_a_warning(tmp_path):
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Réfugiés à Goma\n\nLes camps près de Goma sont pleins.\n".encode("latin-1"))
    with pytest.warns(ReadWarning, match="not valid UTF-8"):
        article = only(read(latin1))
    assert "Goma" in article.text and "\ufffd" in article.text


def test_a_byte_order_mark_is_dropped_even_when_the_rest_is_not_utf8(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "Réfugiés à Goma\n\nLes camps près de Goma.\n".encode("latin-1"))
    with pytest.warns(ReadWarning, match="not valid UTF-8"):
        article = only(read(path))
    assert article.title == "R\ufffdfugi\ufffds \ufffd Goma"


def test_non_utf8_html_is_decoded_by_its_declared_charset(tmp_path):
    page = tmp_path / "cp1251.html"
    body = "Обстрел Харькова продолжался всю ночь, сообщили местные власти. " * 6
    page.write_bytes(f"<html><head><meta charset='windows-1251'><title>Харьков</title></head>"
                     f"<body><article><p>{body}</p></article></body></html>".encode("cp1251"))
    article = only(read(page))
    assert "Обстрел Харькова" in article.text and "\ufffd" not in article.text


def test_empty_directory_says_so(tmp_path):
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    [error] = read(tmp_path)
    assert error.origin == str(tmp_path) and "no article files found" in error.reason


@pytest.mark.parametrize("fixture, kind", [
    ("kharkiv-substation.txt", "text"), ("odesa-port.html", "html"), ("sudan-briefing.rss", "feed"),
    ("red-sea-updates.atom", "feed"), ("gaza-dispatches.jsonl", "jsonl"),
])
def test_stdin_is_sniffed(monkeypatch, fixture, kind):
    data = (ARTICLES / fixture).read_bytes()
    assert sniff(data.decode("utf-8")) == kind
    use_stdin(monkeypatch, data)
    from_stdin = read("-")
    from_file = read(ARTICLES / fixture)
    assert len(from_stdin) == len(from_file)
    for a, b in zip(from_stdin, from_file):
        assert a.origin.startswith("<stdin>")
        if isinstance(b, Article):
            assert (a.title, a.text, a.published, a.url) == (b.title, b.text, b.published, b.url)


def test_stdin_plain_text_and_empty_stdin(monkeypatch):
    use_stdin(monkeypatch, "<b>Kyiv</b> under curfew\n\nA curfew was declared in Kyiv.\n".encode())
    article = only(read("-"))
    assert article.title == "<b>Kyiv</b> under curfew" and article.origin == "<stdin>"
    use_stdin(monkeypatch, b"")
    assert read("-") == [ReadError("<stdin>", "the file is empty")]


def test_url_needs_fetch_and_fails_clearly_offline(monkeypatch):
    [error] = read("https://news.example.org/kharkiv")
    assert error.origin == "https://news.example.org/kharkiv"
    assert "pass --fetch" in error.reason
    # A real fetch attempt that cannot succeed: nothing listens on the discard port.
    [error] = read("http://127.0.0.1:9/article", fetch=True)
    assert error == ReadError("http://127.0.0.1:9/article", "could not fetch URL: http://127.0.0.1:9/article")


def test_fetched_url_is_read_as_a_page(monkeypatch):
    page = (ARTICLES / "odesa-port.html").read_text(encoding="utf-8")
    monkeypatch.setattr(trafilatura, "fetch_url", lambda url, *a, **k: page)
    article = only(read("https://harbourherald.example.com/x", fetch=True))
    assert article.title == "Odesa port resumes grain loading after overnight attack"
    assert article.origin == "https://harbourherald.example.com/x"


def test_date_override_replaces_every_date():
    override = date(2020, 2, 2)
    items = read(ARTICLES, date_override=override)
    articles = [a for a in items if isinstance(a, Article)]
    assert len(articles) == 3 + 1 + 1 + 1 + 2 + 3 + 6  # jsonl, md, txt, html, atom, rss, mixed/
    assert {a.published for a in articles} == {override}
    assert [a for a in items if isinstance(a, ReadError)] == [ReadError(f"{ARTICLES / 'gaza-dispatches.jsonl'}:3",
                                                                        items[2].reason)]


def test_a_single_path_string_is_one_path():
    assert len(list(iter_articles(str(ARTICLES / "goma-airport.md")))) == 1


def test_identity_is_the_url_else_a_stable_text_hash():
    with_url = only(read(ARTICLES / "kharkiv-substation.txt"))
    assert with_url.identity == "https://news.example.org/2025/01/14/kharkiv-substation"
    without_url = only(read(MIXED / "a-kyiv-metro.txt"))
    expected = hashlib.sha256(" ".join(without_url.text.split()).encode("utf-8")).hexdigest()
    assert without_url.identity == "sha256:" + expected
    assert only(read(MIXED / "a-kyiv-metro.txt")).identity == without_url.identity
