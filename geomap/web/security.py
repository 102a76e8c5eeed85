"""Security headers on every response (pages, API, exports, static files, redirects and every
error, 500 included): a per-response nonce for our inline scripts and a Content-Security-Policy
that allows nothing but our own origin (and the configured tile server for images), no framing
(frame-ancestors and X-Frame-Options), no MIME sniffing."""
from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, g
from markupsafe import Markup


def init_app(app: Flask) -> None:
    @app.before_request
    def make_nonce() -> None:
        csp_nonce()

    @app.after_request
    def headers(response):
        nonce = csp_nonce()  # also when a before_request (the rate limit) answered first
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
        return Markup(re.sub(r"<script>", f'<script nonce="{csp_nonce()}">', str(html)))


def csp_nonce() -> str:
    """This response's nonce, made on first use."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


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
