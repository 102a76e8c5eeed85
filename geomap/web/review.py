"""Analyst review in the browser: the queue of doubtful resolutions, the correction form,
undo, and the gazetteer search the form uses.

Every write is a POST that needs the CSRF token of the session and, when the server has
one, the write token (``require_write``). A chosen place is always looked up again in the
gazetteer by its key: the coordinates and names stored come from there, never from the form.
"""
from __future__ import annotations

import json
import re
from urllib.parse import urlencode, urlsplit

from flask import (Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, session,
                   url_for)
from sqlalchemy import func, select

from geomap.corrections import SCOPES, CorrectionError, correct, undo
from geomap.review import count_review_groups, mention_detail, mention_passages, review_groups
from geomap.store import corrections, mentions, writing
from geomap.web.helpers import ID, engine, filter_query, filters_from_request, int_arg, require_write, write_token_needed
from geomap.web.pages import _csrf_token, _csrf_valid

bp = Blueprint("review", __name__)

NOT_A_PLACE = "not_place"  # the place choice meaning "this is not a place at all"
GAZETTEER_CANDIDATES = 15  # the gazetteer's candidates for a surface shown on the form
SEARCH_LIMIT = 15
_MAX_QUERY = 200
_MAX_KEY = 200
_MAX_AUTHOR = 100
_MAX_PAGE = 10**6
_COUNTRY = re.compile(r"[A-Z]{2}")
_GEONAMES_KEY = re.compile(r"gn:(\d{1,12})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
SCOPE_LABELS = {"mention": "only this mention", "article": "every mention of this name in this article",
                "surface": "every mention of this name, in every article (also those ingested later)"}


@bp.app_context_processor
def _template_helpers() -> dict:
    return {"csrf_token": _csrf_token, "write_token_needed": write_token_needed, "here": _here}


@bp.app_errorhandler(403)
def _forbidden(exc):
    message = getattr(exc, "description", "forbidden")
    if request.path.startswith("/api/") or request.path.endswith((".geojson", ".csv", ".json")):
        return jsonify(ok=False, status=403, error=message), 403
    return render_template("error.html", status=403, message=message), 403


# -- the review queue -----------------------------------------------------------------

@bp.get("/review")
def review_page():
    """Doubtful mentions nobody decided yet, grouped by (surface, place), biggest groups first."""
    filters = filters_from_request()
    page = int_arg("page", default=1, low=1, high=_MAX_PAGE)
    size = current_app.config["PAGE_SIZE"]
    with engine().connect() as conn:
        total_groups, total_mentions = count_review_groups(conn, filters)
        groups = review_groups(conn, filters, limit=size, offset=(page - 1) * size)
        examples = mention_passages(conn, [g.mention_id for g in groups])
    query = [pair for pair in filter_query(filters) if pair[0] != "review"]
    here = url_for("review.review_page") + ("?" + urlencode(query + ([("page", str(page))] if page > 1 else []))
                                            if query or page > 1 else "")
    items = [{"group": g, "quote": _quote(examples[g.mention_id]), "example": examples[g.mention_id],
              "decide_url": url_for("review.correct_form", mention_id=g.mention_id, scope="surface", next=here)}
             for g in groups if g.mention_id in examples]
    return render_template("review.html", items=items, filters=filters, page=page, total_groups=total_groups,
                           total_mentions=total_mentions, first_number=(page - 1) * size + 1,
                           pages=max(1, -(-total_groups // size)),
                           prev_url=_page_url(query, page - 1) if page > 1 else None,
                           next_url=_page_url(query, page + 1) if page * size < total_groups else None)


def _page_url(query: list[tuple[str, str]], page: int) -> str:
    pairs = query + ([("page", str(page))] if page > 1 else [])
    return url_for("review.review_page") + ("?" + urlencode(pairs) if pairs else "")


# -- correcting one mention -------------------------------------------------------------

@bp.get(f"/mentions/<{ID}:mention_id>/correct")
def correct_form(mention_id: int):
    """The mention in its passage, its candidates (on a small map), a gazetteer search, the scope."""
    scope = request.args.get("scope") or "mention"
    if scope not in SCOPES:
        abort(400, description=f"scope must be one of {', '.join(SCOPES)}, got {scope!r}")
    search = (request.args.get("search") or "").strip()
    if len(search) > _MAX_QUERY:
        abort(400, description=f"search must be at most {_MAX_QUERY} characters")
    with engine().connect() as conn:
        detail = mention_detail(conn, mention_id)
    if detail is None:
        abort(404, description=f"no mention with id {mention_id}")
    candidates = _candidates(detail)
    found = _search(search) if search else []
    known = {c["key"] for c in candidates}
    results = [r for r in found if r["key"] not in known]
    return _form(detail, candidates, results, search=search, scope=scope, country="",
                 next_url=_safe_next(request.args.get("next"), _default_next(detail)),
                 chosen=detail.place_key if not detail.rejected else NOT_A_PLACE)


@bp.post(f"/mentions/<{ID}:mention_id>/correct")
def correct_submit(mention_id: int):
    """Record the correction, apply it wherever it belongs, and go back with an undo button."""
    require_write()
    form = request.form
    if not _csrf_valid(form.get("csrf_token", "")):
        abort(400, description="the form expired or did not come from this site: reload the page and try again")
    with engine().connect() as conn:
        detail = mention_detail(conn, mention_id)
    if detail is None:
        abort(404, description=f"no mention with id {mention_id}")
    scope = form.get("scope", "")
    if scope not in SCOPES:
        abort(400, description=f"scope must be one of {', '.join(SCOPES)}, got {scope[:50]!r}")
    country = form.get("country", "").strip().upper() or None
    if country is not None:
        if not _COUNTRY.fullmatch(country):
            abort(400, description=f"country must be a two-letter ISO code such as UA, got {country[:50]!r}")
        if scope != "surface":
            abort(400, description="the country condition only applies to every mention of this name")
    author = _CONTROL.sub(" ", form.get("author", "")).strip()
    if len(author) > _MAX_AUTHOR:
        abort(400, description=f"your name must be at most {_MAX_AUTHOR} characters")
    choice = form.get("place", "").strip()
    if not choice:
        abort(400, description="choose the place this mention names, or “not a place”")
    search = form.get("search_q", "").strip()[:_MAX_QUERY]
    if choice == NOT_A_PLACE:
        action, snapshot = NOT_A_PLACE, None
    else:
        place = _find_place(choice, detail, search) if len(choice) <= _MAX_KEY else None
        if place is None:
            abort(400, description=f"no place with key {choice[:_MAX_KEY]!r} in the gazetteer")
        action, snapshot = "place", _snapshot(place)
    if author:
        session["author"] = author
    try:
        with writing(engine()) as conn:
            applied = correct(conn, mention_id, action=action, place=snapshot, scope=scope, country=country,
                              author=author or "analyst")
            decided = conn.scalar(select(func.count()).select_from(mentions)
                                  .where(mentions.c.correction_id == applied.correction_id))
    except CorrectionError as exc:
        abort(400, description=str(exc))
    what = "not a place" if snapshot is None else f"{snapshot['name']}" + (
        f" ({snapshot['country_code']})" if snapshot.get("country_code") else "")
    flash({"text": f"Corrected {decided} mention{'' if decided == 1 else 's'} of “{detail.surface}”: {what}.",
           "undo": applied.correction_id}, "correction")
    return redirect(_safe_next(form.get("next"), _default_next(detail)), code=303)


@bp.post(f"/corrections/<{ID}:correction_id>/undo")
def undo_correction(correction_id: int):
    """Withdraw a correction: the mentions it decided go back to what else applies."""
    require_write()
    if not _csrf_valid(request.form.get("csrf_token", "")):
        abort(400, description="the form expired or did not come from this site: reload the page and try again")
    with writing(engine()) as conn:
        exists = conn.scalar(select(corrections.c.id).where(corrections.c.id == correction_id))
        if exists is None:
            abort(404, description=f"no correction with id {correction_id}")
        decided = conn.scalar(select(func.count()).select_from(mentions)
                              .where(mentions.c.correction_id == correction_id))
        try:
            undo(conn, correction_id)
        except CorrectionError as exc:
            abort(400, description=str(exc))
    flash(f"Undone: {decided} mention{'' if decided == 1 else 's'} back to what geomap or other corrections say.")
    return redirect(_safe_next(request.form.get("next"), url_for("review.review_page")), code=303)


# -- JSON: candidates and gazetteer search ---------------------------------------------------

@bp.get("/api/gazetteer/search")
def gazetteer_search():
    """Places the gazetteer knows by a name (``q``; "Name, Country" narrows), best first, as JSON."""
    q = (request.args.get("q") or "").strip()
    if not q:
        abort(400, description="q (a place name) is required")
    if len(q) > _MAX_QUERY:
        abort(400, description=f"q must be at most {_MAX_QUERY} characters")
    limit = int_arg("limit", default=SEARCH_LIMIT, low=1, high=50)
    return jsonify(ok=True, q=q, results=_search(q, limit))


@bp.get(f"/api/mentions/<{ID}:mention_id>/candidates.geojson")
def candidates_geojson(mention_id: int):
    """The places a mention may name, as GeoJSON Points (what the correction form offers)."""
    with engine().connect() as conn:
        detail = mention_detail(conn, mention_id)
    if detail is None:
        abort(404, description=f"no mention with id {mention_id}")
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [c["lon"], c["lat"]]},
                 "properties": {k: v for k, v in c.items() if k not in ("lat", "lon")}}
                for c in _candidates(detail)]
    response = jsonify({"type": "FeatureCollection", "features": features})
    response.mimetype = "application/geo+json"
    return response


# -- helpers ----------------------------------------------------------------------------------

def _gazetteer():
    parser = current_app.config.get("GEOPARSER")
    if parser is None:
        from geomap.pipeline import default_geoparser

        parser = default_geoparser()
    return parser.gazetteer


def _geocoder():
    from gazetteer.geocoder import GazetteerGeocoder

    gazetteer = _gazetteer()
    cached = current_app.extensions.get("geomap.geocoder")
    if cached is None or cached.gazetteer is not gazetteer:
        cached = current_app.extensions["geomap.geocoder"] = GazetteerGeocoder(gazetteer)
    return cached


def _search(q: str, limit: int = SEARCH_LIMIT) -> list[dict]:
    from geopy.exc import GeocoderQueryError

    gazetteer = _gazetteer()
    try:
        found = _geocoder().geocode(q, exactly_one=False, limit=limit) or []
    except GeocoderQueryError as exc:
        abort(400, description=str(exc))
    results = []
    for location in found:
        raw = location.raw or {}
        if "place_id" not in raw:
            continue
        place = gazetteer.get(raw["place_id"])
        results.append(_candidate(place.key, place.name, place.kind, place.country_code, place.lat, place.lon,
                                  population=place.population, label=location.address, origin="search"))
    return results


def _candidate(key, name, kind, country_code, lat, lon, *, population=None, score=None, label=None,
               origin="gazetteer", current=False, automatic=False) -> dict:
    return {"key": key, "name": name, "kind": kind, "country_code": country_code, "lat": lat, "lon": lon,
            "population": population, "score": score, "label": label or name, "origin": origin,
            "current": current, "automatic": automatic}


def _alternatives(detail) -> list[dict]:
    try:
        found = json.loads(detail.alternatives or "[]")
    except ValueError:
        return []
    return [a for a in found if isinstance(a, dict) and a.get("key") and a.get("name")]


def _candidates(detail) -> list[dict]:
    """The current place, the automatic one, the resolver's alternatives, then the gazetteer's
    other places of that name (most populous first), each once."""
    gazetteer = _gazetteer()
    everything = gazetteer.candidates(detail.surface)
    population = {p.key: p.population for p in everything}
    labels = _labels(detail.surface)
    result: dict[str, dict] = {}

    def add(candidate: dict) -> None:
        if candidate["key"] and candidate["key"] not in result:
            candidate["label"] = labels.get(candidate["key"], candidate["label"])
            result[candidate["key"]] = candidate

    corrected = detail.correction_id is not None
    if not detail.rejected:
        add(_candidate(detail.place_key, detail.name, detail.kind, detail.country_code, detail.lat, detail.lon,
                       population=population.get(detail.place_key), score=None if corrected else detail.score,
                       origin="current", current=True, automatic=not corrected))
    if corrected and detail.auto_key:
        add(_candidate(detail.auto_key, detail.auto_name, detail.auto_kind, detail.auto_country_code,
                       detail.auto_lat, detail.auto_lon, population=population.get(detail.auto_key),
                       score=detail.score, origin="automatic", automatic=True))
    for alt in _alternatives(detail):
        try:
            lat, lon = float(alt["lat"]), float(alt["lon"])
        except (KeyError, TypeError, ValueError):
            continue
        add(_candidate(alt["key"], alt["name"], alt.get("kind") or "", alt.get("country_code"), lat, lon,
                       population=population.get(alt["key"]), score=alt.get("score"), origin="resolver"))
    for place in everything[:GAZETTEER_CANDIDATES]:
        add(_candidate(place.key, place.name, place.kind, place.country_code, place.lat, place.lon,
                       population=place.population))
    return list(result.values())


def _labels(surface: str) -> dict[str, str]:
    """"Name, Region, Country" for the places a surface may name, by key: many share a name."""
    from geopy.exc import GeocoderQueryError

    gazetteer = _gazetteer()
    try:
        found = _geocoder().geocode(surface, exactly_one=False) or []
    except GeocoderQueryError:
        return {}
    return {gazetteer.get(loc.raw["place_id"]).key: loc.address for loc in found if "place_id" in (loc.raw or {})}


def _find_place(key: str, detail, search: str):
    """The gazetteer place with this key, among the places the form could have offered: the
    surface's candidates, the alternatives', a GeoNames id, the search the form ran."""
    gazetteer = _gazetteer()
    names = [detail.surface, detail.name, detail.auto_name] + [a["name"] for a in _alternatives(detail)]
    for name in dict.fromkeys(n for n in names if n):
        for place in gazetteer.candidates(name):
            if place.key == key:
                return place
    match = _GEONAMES_KEY.fullmatch(key)
    if match:
        place = gazetteer.by_geonameid(int(match.group(1)))
        if place is not None and place.key == key:
            return place
    if search:
        from geopy.exc import GeocoderQueryError

        try:
            found = _geocoder().geocode(search, exactly_one=False, limit=50) or []
        except GeocoderQueryError:
            found = []
        for location in found:
            place_id = (location.raw or {}).get("place_id")
            if place_id is not None:
                place = gazetteer.get(place_id)
                if place.key == key:
                    return place
    return None


def _snapshot(place) -> dict:
    return {"key": place.key, "geonameid": place.geonameid, "name": place.name, "kind": place.kind,
            "country_code": place.country_code, "lat": place.lat, "lon": place.lon}


def _quote(row) -> dict:
    """A mention's passage split around its surface (the surface alone when outside every passage)."""
    start = end = None
    if row.passage is not None:
        start, end = row.start - row.passage_start, row.end - row.passage_start
    if start is not None and 0 <= start <= end <= len(row.passage):
        text = row.passage
    else:
        text, start, end = row.surface, 0, len(row.surface)
    return {"before": text[:start], "surface": text[start:end], "after": text[end:]}


def _form(detail, candidates, results, *, search, scope, country, next_url, chosen):
    config = current_app.config
    return render_template(
        "correct.html", m=detail, quote=_quote(detail), candidates=candidates, results=results, search=search,
        scope=scope, country=country, next_url=next_url, chosen=chosen, scopes=SCOPE_LABELS,
        not_a_place=NOT_A_PLACE, author=session.get("author", ""),
        map_options={"tilesUrl": config["TILES_URL"] or None, "tilesAttribution": config["TILES_ATTRIBUTION"],
                     "outlinesUrl": url_for("pages.outlines"), "searchUrl": url_for("review.gazetteer_search")},
        points=candidates + results)


def _default_next(detail) -> str:
    return url_for("pages.article_page", article_id=detail.article_id) + f"#mention-{detail.id}"


def _safe_next(value: str | None, default: str) -> str:
    """``value`` when it is a path on this site, else ``default``: never an open redirect."""
    if not value:
        return default
    value = value.strip()
    if (not value.startswith("/") or value.startswith("//") or "\\" in value or _CONTROL.search(value)
            or len(value) > 2000):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def _here() -> str:
    """This page's path and query: where an undo button comes back to."""
    query = request.query_string.decode("latin-1")
    return request.path + ("?" + query if query else "")
