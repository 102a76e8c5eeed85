"""Small request helpers shared by the blueprints."""
from __future__ import annotations

import hashlib
import hmac

from flask import abort, current_app, request, session
from sqlalchemy.engine import Engine

from geomap.query import MAX_ID, Filters, InvalidFilter

FILTER_ARGS = ("article", "since", "until", "country", "q", "review", "bbox")


# The URL rule for an id in a path: a number past SQLite's 64-bit range is a plain 404, not a 500.
ID = f"int(max={MAX_ID})"


def engine() -> Engine:
    return current_app.extensions["geomap.engine"]


def filters_from_request() -> Filters:
    """The shared filters from the query string; InvalidFilter becomes a 400 that says why."""
    args = request.args
    return Filters.from_args(article=[a for a in args.getlist("article") if a.strip()], since=args.get("since"),
                             until=args.get("until"), country=args.get("country"), q=args.get("q"),
                             review=args.get("review"), bbox=args.get("bbox"))


def filter_query(filters: Filters) -> list[tuple[str, str]]:
    """The filters back as query-string pairs, for links that keep the current view."""
    pairs = [("article", str(i)) for i in filters.article_ids]
    for name in ("since", "until"):
        value = getattr(filters, name)
        if value:
            pairs.append((name, value.isoformat()))
    if filters.country:
        pairs.append(("country", filters.country))
    if filters.q:
        pairs.append(("q", filters.q))
    if filters.review:
        pairs.append(("review", "1"))
    if filters.bbox:
        pairs.append(("bbox", str(filters.bbox)))
    return pairs


def int_arg(name: str, *, default, low: int, high: int):
    """An integer query parameter within [low, high], or a 400 naming it."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidFilter(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise InvalidFilter(f"{name} must be between {low} and {high}, got {value}")
    return value


# -- write protection ----------------------------------------------------------------

_WRITE_SESSION_KEY = "write_token_ok"


def _write_digest(token: str) -> str:
    # What the session remembers: never the token itself (the cookie is signed, not encrypted).
    key = str(current_app.config.get("SECRET_KEY") or "").encode()
    return hmac.new(key, str(token).encode(), hashlib.sha256).hexdigest()


def write_token_needed() -> bool:
    """Whether a form that changes data must ask for the write token (one is configured and
    this browser session has not given it yet)."""
    expected = current_app.config.get("WRITE_TOKEN")
    if not expected:
        return False
    return not hmac.compare_digest(str(session.get(_WRITE_SESSION_KEY, "")), _write_digest(expected))


def require_write() -> None:
    """Refuse (403) a request that changes data unless it carries the configured write token,
    as the form field ``token`` or the ``X-Geomap-Token`` header; a browser session that gave
    it once is remembered. Without a configured ``WRITE_TOKEN`` every write is allowed (the
    CLI refuses to serve beyond loopback without one)."""
    expected = current_app.config.get("WRITE_TOKEN")
    if not expected:
        return
    given = request.headers.get("X-Geomap-Token") or request.form.get("token") or ""
    if given and hmac.compare_digest(given.encode(), str(expected).encode()):
        session[_WRITE_SESSION_KEY] = _write_digest(expected)
        return
    if given or write_token_needed():
        abort(403, description="changing data on this server needs its write token")
