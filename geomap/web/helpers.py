"""Small request helpers shared by the blueprints."""
from __future__ import annotations

from flask import current_app, request
from sqlalchemy.engine import Engine

from geomap.query import Filters, InvalidFilter

FILTER_ARGS = ("article", "since", "until", "country", "q", "review")


def engine() -> Engine:
    return current_app.extensions["geomap.engine"]


def filters_from_request() -> Filters:
    """The shared filters from the query string; InvalidFilter becomes a 400 that says why."""
    args = request.args
    return Filters.from_args(article=[a for a in args.getlist("article") if a.strip()], since=args.get("since"),
                             until=args.get("until"), country=args.get("country"), q=args.get("q"),
                             review=args.get("review"))


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
