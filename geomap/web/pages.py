"""HTML pages: the map, articles, places, upload."""
from __future__ import annotations

import hmac
import json
import re
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, session, url_for
from werkzeug.utils import secure_filename

from geomap.basemap import country_outlines
from geomap.dates import parse_article_date
from geomap.maps import build_map, map_parts
from geomap.model import Article
from geomap.query import (DOUBTFUL_BELOW, article_choices, article_mentions, article_places, count_place_passages,
                          date_range, get_article, get_place, list_articles, place_passages)
from geomap.review import correction_notes
from geomap.web.helpers import ID, engine, filter_query, filters_from_request, int_arg, require_write

bp = Blueprint("pages", __name__)

_MAX_SLIDER_DAYS = 3660


@bp.get("/")
def map_page():
    """The map: one point per place under the filters, popups with passages, a time slider."""
    filters = filters_from_request()
    query = filter_query(filters)
    popup = current_app.config["POPUP_PASSAGES"]
    # No passages in the points: each popup fetches its own when opened (api.place_mentions).
    data_url = url_for("api.places_geojson") + "?" + urlencode(query + [("_mentions", "0")])
    focus = int_arg("place", default=None, low=1, high=2**62)
    m = build_map(data_url=data_url, outlines_url=url_for("pages.outlines"), focus=focus,
                  mentions_url=url_for("pages.map_page").rstrip("/") + "/api/places/", popup_size=popup,
                  tiles_url=current_app.config["TILES_URL"] or None,
                  tiles_attribution=current_app.config["TILES_ATTRIBUTION"],
                  place_url=url_for("pages.map_page").rstrip("/") + "/places/",
                  article_url=url_for("pages.map_page").rstrip("/") + "/articles/")
    with engine().connect() as conn:
        first, last = date_range(conn)
        articles = article_choices(conn, limit=500)
    days = []
    if first and last and (last - first).days <= _MAX_SLIDER_DAYS:
        start = max(first, filters.since) if filters.since else first
        end = min(last, filters.until) if filters.until else last
        days = [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]
    return render_template("map.html", map=map_parts(m), filters=filters, articles=articles,
                           first=first, last=last, days=days,
                           download_geojson=url_for("api.places_geojson") + "?" + urlencode(query + [("download", "1")]),
                           download_csv=url_for("api.export_csv") + "?" + urlencode(query + [("download", "1")]))


@bp.get("/basemap/countries.geojson")
def outlines():
    """Country outlines for the offline base layer, built once into the data directory."""
    from pathlib import Path

    path = country_outlines(Path(current_app.config["DATA_DIR"]))
    response = send_file(path, mimetype="application/geo+json", max_age=86400)
    return response


# -- articles and places ----------------------------------------------------------------

DOUBTFUL_RESOLUTION = 0.9  # below this score a place page lists the resolver's alternatives
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_MAX_PAGE = 10**6


@bp.get("/articles")
def articles_page():
    """Stored articles, newest first, under the shared filters, a page at a time."""
    filters = filters_from_request()
    page = int_arg("page", default=1, low=1, high=_MAX_PAGE)
    size = current_app.config["PAGE_SIZE"]
    with engine().connect() as conn:
        rows = list_articles(conn, filters, limit=size + 1, offset=(page - 1) * size)
    query = filter_query(filters)
    return render_template("articles.html", articles=rows[:size], filters=filters, page=page,
                           first_number=(page - 1) * size + 1,
                           prev_url=_page_url("pages.articles_page", query, page - 1) if page > 1 else None,
                           next_url=_page_url("pages.articles_page", query, page + 1) if len(rows) > size else None)


@bp.get(f"/articles/<{ID}:article_id>")
def article_page(article_id: int):
    """One article: its text with every mention highlighted, a small map and its places."""
    with engine().connect() as conn:
        article = get_article(conn, article_id)
        if article is None:
            abort(404, description=f"no article with id {article_id}")
        found = article_mentions(conn, article_id)
        places_ = article_places(conn, article_id)
        corrected = correction_notes(conn, article_id)
    popup = current_app.config["POPUP_PASSAGES"]
    data_url = url_for("api.places_geojson") + "?" + urlencode([("article", article_id), ("_mentions", popup)])
    small_map = map_parts(_small_map(data_url)) if places_ else None
    return render_template("article.html", article=article, paragraphs=paragraphs(article.text, found),
                           mention_count=len(found), places=places_, map=small_map, corrected=corrected,
                           url_is_link=_is_web_url(article.url), doubtful=DOUBTFUL_BELOW,
                           map_url=url_for("pages.map_page") + "?" + urlencode([("article", article_id)]))


@bp.get(f"/places/<{ID}:place_id>")
def place_page(place_id: int):
    """One place: where it is, and every passage that mentions it (under the filters), newest first."""
    filters = filters_from_request()
    page = int_arg("page", default=1, low=1, high=_MAX_PAGE)
    size = current_app.config["PAGE_SIZE"]
    with engine().connect() as conn:
        place = get_place(conn, place_id)
        if place is None:
            abort(404, description=f"no place with id {place_id}")
        total = count_place_passages(conn, place_id, filters)
        rows = place_passages(conn, place_id, filters, limit=size, offset=(page - 1) * size)
    query = filter_query(filters)
    return render_template("place.html", place=place, filters=filters, total=total, page=page,
                           pages=max(1, -(-total // size)), passages=[_passage(r) for r in rows],
                           first_number=(page - 1) * size + 1,
                           prev_url=_page_url("pages.place_page", query, page - 1, place_id=place_id)
                           if page > 1 else None,
                           next_url=_page_url("pages.place_page", query, page + 1, place_id=place_id)
                           if page * size < total else None,
                           map_url=url_for("pages.map_page") + ("?" + urlencode(query) if query else ""))


def paragraphs(text: str, marks) -> list[list[tuple[str, object]]]:
    """``text`` split into paragraphs (at blank lines), each a list of (text, mention or None).

    Mentions are rows with ``start``/``end`` offsets, in text order; one that overlaps an
    earlier one or crosses a paragraph break stays plain text. The template escapes every piece.
    """
    bounds, position = [], 0
    for gap in _BLANK_LINE.finditer(text):
        bounds.append((position, gap.start()))
        position = gap.end()
    bounds.append((position, len(text)))
    marks = sorted(marks, key=lambda m: (m.start, m.end))
    result, i = [], 0
    for start, end in bounds:
        pieces, cursor = [], start
        while i < len(marks) and marks[i].start < end:
            mark = marks[i]
            i += 1
            if mark.start < cursor or mark.end > end or mark.end <= mark.start:
                continue
            if mark.start > cursor:
                pieces.append((text[cursor:mark.start], None))
            pieces.append((text[mark.start:mark.end], mark))
            cursor = mark.end
        if cursor < end:
            pieces.append((text[cursor:end], None))
        if pieces:
            result.append(pieces)
    return result


def _passage(row) -> dict:
    """A place page's passage: the text around the surface, and the alternatives if doubtful."""
    if row.passage is not None and 0 <= row.start - row.passage_start <= row.end - row.passage_start <= len(row.passage):
        text, start, end = row.passage, row.start - row.passage_start, row.end - row.passage_start
    else:  # outside every passage: the surface alone
        text, start, end = row.surface, 0, len(row.surface)
    try:
        alternatives = json.loads(row.alternatives or "[]")
    except ValueError:
        alternatives = []
    doubtful = bool(alternatives) and row.score < DOUBTFUL_RESOLUTION
    return {"row": row, "before": text[:start], "surface": text[start:end], "after": text[end:],
            "alternatives": alternatives if doubtful else []}


def _small_map(data_url: str):
    root = url_for("pages.map_page").rstrip("/")
    return build_map(data_url=data_url, outlines_url=url_for("pages.outlines"),
                     tiles_url=current_app.config["TILES_URL"] or None,
                     tiles_attribution=current_app.config["TILES_ATTRIBUTION"],
                     place_url=root + "/places/", article_url=root + "/articles/", height="360px")


def _page_url(endpoint: str, query: list[tuple[str, str]], page: int, **values) -> str:
    pairs = query + ([("page", str(page))] if page > 1 else [])
    url = url_for(endpoint, **values)
    return url + ("?" + urlencode(pairs) if pairs else "")


def _is_web_url(url: str | None) -> bool:
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


# -- upload ---------------------------------------------------------------------------

_TITLE_LIMIT = 200


@bp.route("/upload", methods=["GET", "POST"])
def upload():
    """Paste text or upload a file; geoparse and store it; then go to the article."""
    if request.method == "GET":
        return _upload_form({})
    # Pasted text may be as large as a whole upload (Flask caps text fields at 500 kB otherwise).
    request.max_form_memory_size = current_app.config.get("MAX_CONTENT_LENGTH")
    form = request.form  # reading the body raises 413 past MAX_CONTENT_LENGTH
    require_write()  # 403 without the write token, when the server has one
    values = {name: form.get(name, "") for name in ("text", "title", "date", "source")}
    if not _csrf_valid(form.get("csrf_token", "")):
        return _upload_form(values, "the form expired; reload the page")
    try:
        published = parse_article_date(values["date"]) if values["date"].strip() else None
    except ValueError as exc:
        return _upload_form(values, f"date: {exc}")
    pasted = values["text"].replace("\r\n", "\n").replace("\r", "\n")
    file = request.files.get("file")
    has_file = file is not None and bool(file.filename)
    if has_file and pasted.strip():
        return _upload_form(values, "give either pasted text or a file, not both")
    if not has_file and not pasted.strip():
        return _upload_form(values, "nothing to store: paste an article's text or choose a file")

    title, source = values["title"].strip() or None, values["source"].strip() or None
    if has_file:
        items, problems = _read_file(file)
        if not items:
            return _upload_form(values, "could not read the file: " + "; ".join(problems or ["no articles in it"]))
    else:
        items, problems = [Article(title=title or _first_line(pasted), text=pasted.strip("\n"),
                                   origin="upload")], []
    for article in items:
        if title and len(items) == 1:
            article.title = title
        if published:
            article.published = published
        if source:
            article.source = source
    return _store(items, problems, values)


def _store(items: list[Article], problems: list[str], values: dict):
    from geomap.services import ingest

    statuses: list[str] = []
    parser = current_app.config.get("GEOPARSER")
    if parser is None:
        from geomap.pipeline import default_geoparser

        parser = default_geoparser()
    summary = ingest(engine(), items, parser=parser, on_result=lambda status, origin: statuses.append(status))
    problems = problems + [f"{f.origin}: {f.reason}" for f in summary.failures]
    stored = [s for s in statuses if s != "failed"]
    if not summary.article_ids:
        return _upload_form(values, "nothing could be stored: " + "; ".join(problems))
    if len(stored) == 1:
        flash("already stored: this is the article as it was stored before" if stored[0] == "unchanged"
              else f"stored, with {summary.mentions} place mentions found")
    else:
        flash(f"{len(stored)} articles read: {stored.count('added')} stored, "
              f"{stored.count('unchanged')} already stored, {stored.count('updated')} updated; this is the first")
    for problem in problems:
        flash(f"skipped {problem}")
    return redirect(url_for("pages.article_page", article_id=summary.article_ids[0]), code=303)


def _read_file(file) -> tuple[list[Article], list[str]]:
    """The articles in an uploaded file, read exactly as ``geomap ingest`` reads a file of that name."""
    from geomap.readers import EXTENSIONS, ReadError, iter_articles  # the parsers are slow to import

    name = secure_filename(Path(file.filename or "").name) or "upload"
    if Path(name).suffix.lower() not in EXTENSIONS:
        name += ".upload"  # an unknown extension: the readers sniff the content
    with tempfile.TemporaryDirectory(prefix="geomap-upload-") as directory:
        path = Path(directory) / name
        file.save(path)
        items = list(iter_articles([str(path)]))
    shown = (file.filename or "").replace("\\", "/").rsplit("/", 1)[-1] or name

    def origin(value: str | None) -> str:
        return (value or "").replace(str(path), shown)

    articles_, problems = [], []
    for item in items:
        if isinstance(item, ReadError):
            problems.append(item.reason if item.origin == str(path) else f"{origin(item.origin)}: {item.reason}")
        else:
            item.origin = origin(item.origin)
            articles_.append(item)
    return articles_, problems


def _first_line(text: str) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "untitled")
    if len(line) > _TITLE_LIMIT:
        line = line[:_TITLE_LIMIT].rsplit(" ", 1)[0] + "…"
    return line


def _csrf_token() -> str:
    token = session.get("csrf_token")
    if not token:
        token = session["csrf_token"] = secrets.token_urlsafe(32)
    return token


def _csrf_valid(given: str) -> bool:
    expected = session.get("csrf_token")
    return bool(expected) and hmac.compare_digest(str(given).encode(), str(expected).encode())


def _upload_form(values: dict, error: str | None = None):
    from geomap.readers import EXTENSIONS

    from geomap.web import describe_size

    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    size = describe_size(limit) if limit else None
    return render_template("upload.html", values=values, error=error, csrf_token=_csrf_token(), max_size=size,
                           accept=",".join(sorted(EXTENSIONS))), (400 if error else 200)


KIND_LABELS = {"city": "town", "admin1": "region", "admin2": "district", "region": "region", "country": "country",
               "continent": "continent", "sea": "sea", "strait": "strait", "river": "river", "demonym": "demonym"}


@bp.app_template_filter("kind")
def kind_label(kind: str | None) -> str:
    """A place kind as readers say it (admin1 → region)."""
    return KIND_LABELS.get(kind or "", kind or "")
