"""The web app: the map, article and place pages, uploads, and the JSON/GeoJSON API.

``create_app(config)`` builds an app; nothing is created at import time.
``flask --app geomap.web run`` works too (Flask finds ``create_app``).
"""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask, jsonify, render_template, request
from sqlalchemy.exc import DatabaseError

from geomap.config import Settings
from geomap.maps import DEFAULT_TILES, DEFAULT_TILES_ATTRIBUTION
from geomap.query import InvalidFilter
from geomap.store import StoreError, describe_error

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
DEFAULT_MAX_UPLOAD_MB = 5
_MB = 1024 * 1024


class ConfigError(ValueError):
    """A setting the app cannot use; the message names it (the CLI shows it without a traceback)."""


def create_app(config: dict | None = None) -> Flask:
    """An app over the database in ``config["DB_URL"]`` (default: the CLI's database).

    :raise ConfigError: a limit in the configuration or the environment cannot be used.
    """
    app = Flask(__name__, static_folder=str(STATIC_DIR), static_url_path="/static")
    settings = Settings.from_env()
    app.config.from_mapping(
        DB_URL=settings.db_url,
        DATA_DIR=str(settings.data_dir),
        TILES_URL=DEFAULT_TILES,
        TILES_ATTRIBUTION=DEFAULT_TILES_ATTRIBUTION,
        MAX_UPLOAD_MB=DEFAULT_MAX_UPLOAD_MB,  # the largest request body (GEOMAP_MAX_UPLOAD_MB); 413 past it
        PAGE_SIZE=50,
        POPUP_PASSAGES=3,
        MAP_MAX_POINTS=5000,  # above it a map that gives its zoom gets grid cells (GEOMAP_MAP_MAX_POINTS)
        SECRET_KEY=secrets.token_hex(32),
        WRITE_TOKEN=None,  # when set, every POST that changes data must carry it (GEOMAP_WRITE_TOKEN)
    )
    app.config.from_prefixed_env("GEOMAP")  # GEOMAP_TILES_URL="" turns tiles off, etc.
    if config:
        app.config.update(config)
    if not app.config.get("MAX_CONTENT_LENGTH"):  # an explicit byte count wins over the friendly name
        app.config["MAX_CONTENT_LENGTH"] = upload_limit_bytes(app.config["MAX_UPLOAD_MB"])

    from geomap.store import connect

    app.extensions["geomap.engine"] = connect(app.config["DB_URL"])

    from geomap.web import api, limits, pages, review, security

    limits.init_app(app)  # first: a refused request costs as little as possible
    security.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(review.bp)
    _register_errors(app)
    return app


def upload_limit_bytes(megabytes) -> int:
    """``MAX_UPLOAD_MB`` (a positive number, from the environment possibly a string) in bytes."""
    try:
        value = float(megabytes)
    except (TypeError, ValueError):
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise ConfigError(f"MAX_UPLOAD_MB (GEOMAP_MAX_UPLOAD_MB) must be a positive number of megabytes, "
                         f"got {megabytes!r}")
    return max(1, int(value * _MB))


def describe_size(limit: int) -> str:
    """A byte count as people say it: 5 MB, 0.5 MB, 2048 bytes."""
    if limit >= _MB // 10:
        return f"{round(limit / _MB, 2):g} MB"
    return f"{limit} bytes"


def _register_errors(app: Flask) -> None:
    """Every error in one shape: JSON for the API and exports, the error page otherwise.
    (The security headers come from security.py's after_request, which runs for these too.)"""
    def wants_json() -> bool:
        return request.path.startswith("/api/") or request.path.endswith((".geojson", ".csv", ".json"))

    def error(status: int, message: str):
        if wants_json():
            return jsonify(ok=False, status=status, error=message), status
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(InvalidFilter)
    def invalid_filter(exc):
        return error(400, str(exc))

    @app.errorhandler(400)
    def bad_request(exc):
        return error(400, getattr(exc, "description", "bad request"))

    @app.errorhandler(404)
    def not_found(exc):
        return error(404, getattr(exc, "description", "not found"))

    @app.errorhandler(405)
    def method_not_allowed(exc):
        allowed = sorted(exc.valid_methods or [])
        body, status = error(405, f"{request.method} is not allowed here" +
                             (f"; this address takes {', '.join(allowed)}" if allowed else ""))
        response = app.make_response((body, status))
        if allowed:
            response.headers["Allow"] = ", ".join(allowed)
        return response

    @app.errorhandler(413)
    def too_large(exc):
        return error(413, f"the upload is larger than {describe_size(app.config['MAX_CONTENT_LENGTH'])}, "
                          "the most this server accepts")

    @app.errorhandler(429)
    def too_many(exc):
        response = app.make_response(error(429, getattr(exc, "description", "too many requests")))
        if getattr(exc, "retry_after", None) is not None:
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.errorhandler(500)
    def server_error(exc):
        # Whatever went wrong stays in the log (Flask logs it): no traceback or detail to the client.
        return error(500, "something went wrong on the server; the error was logged")

    @app.errorhandler(StoreError)
    @app.errorhandler(DatabaseError)
    def store_unavailable(exc):
        # The database failing (disk full, read-only, damaged) is the server's state, not a bug:
        # say what it is, with 503 so a client knows to try again later. Nothing is half-written:
        # every write is one transaction.
        from geomap.services import IngestInterrupted

        app.logger.error("database failure: %s", exc)
        message = str(exc) if isinstance(exc, IngestInterrupted) else describe_error(exc, app.config["DB_URL"])
        return error(503, message)
