"""Security headers: a per-response nonce for our inline scripts and a Content-Security-Policy
that allows nothing but our own origin (and the configured tile server for images)."""
from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, g
from markupsafe import Markup


def init_app(app: Flask) -> None:
    @app.before_request
    def make_nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.after_request
    def headers(response):
        nonce = getattr(g, "csp_nonce", "")
        tiles = _origin(app.config.get("TILES_URL"))
        img = "'self' data:" + (f" {tiles}" if tiles else "")
        response.headers.setdefault("Content-Security-Policy", "; ".join([
            "default-src 'self'", f"script-src 'self' 'nonce-{nonce}'", "style-src 'self' 'unsafe-inline'",
            f"img-src {img}", "connect-src 'self'", "font-src 'self'", "object-src 'none'", "base-uri 'self'",
            "form-action 'self'", "frame-ancestors 'none'",
        ]))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    @app.template_filter("nonced")
    def nonced(html: str) -> Markup:
        """Give our own inline <script> tags (folium's head) the response's nonce."""
        return Markup(re.sub(r"<script>", f'<script nonce="{g.csp_nonce}">', str(html)))


def _origin(url: str | None) -> str | None:
    """The scheme://host[:port] of a tile URL template, for the CSP."""
    if not url:
        return None
    parts = urlsplit(url.replace("{s}", "a"))
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc
    if "{s}" in url:
        host = parts.netloc.replace("a.", "*.", 1)
    return f"{parts.scheme}://{host}"
