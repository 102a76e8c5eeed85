"""The web app: the map, article and place pages, uploads, and the JSON/GeoJSON API.

``create_app(config)`` builds an app; nothing is created at import time.
``flask --app geomap.web run`` works too (Flask finds ``create_app``).
"""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask, jsonify, render_template, request

from geomap.config import Settings
from geomap.maps import DEFAULT_TILES, DEFAULT_TILES_ATTRIBUTION
from geomap.query import InvalidFilter

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"


def create_app(config: dict | None = None) -> Flask:
    """An app over the database in ``config["DB_URL"]`` (default: the CLI's database)."""
    app = Flask(__name__, static_folder=str(STATIC_DIR), static_url_path="/static")
    settings = Settings.from_env()
    app.config.from_mapping(
        DB_URL=settings.db_url,
        DATA_DIR=str(settings.data_dir),
        TILES_URL=DEFAULT_TILES,
        TILES_ATTRIBUTION=DEFAULT_TILES_ATTRIBUTION,
        MAX_CONTENT_LENGTH=5 * 1024 * 1024,  # uploads
        PAGE_SIZE=50,
        POPUP_PASSAGES=3,
        SECRET_KEY=secrets.token_hex(32),
        WRITE_TOKEN=None,  # when set, every POST that changes data must carry it (GEOMAP_WRITE_TOKEN)
    )
    app.config.from_prefixed_env("GEOMAP")  # GEOMAP_TILES_URL="" turns tiles off, etc.
    if config:
        app.config.update(config)

    from geomap.store import connect

    app.extensions["geomap.engine"] = connect(app.config["DB_URL"])

    from geomap.web import api, pages, review, security

    security.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(review.bp)
    _register_errors(app)
    return app


def _register_errors(app: Flask) -> None:
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

    @app.errorhandler(413)
    def too_large(exc):
        return error(413, f"the upload is larger than {app.config['MAX_CONTENT_LENGTH'] // (1024 * 1024)} MB")
