"""Request rate limits per client, from configuration.

``RATE_LIMIT_WRITES`` (default ``"30/minute"``) limits requests that change data (any method
but GET, HEAD and OPTIONS); ``RATE_LIMIT_READS`` (default off) limits the rest. Both are
settable as ``GEOMAP_RATE_LIMIT_WRITES`` / ``GEOMAP_RATE_LIMIT_READS``: ``"N/second"``,
``"N/minute"``, ``"N/hour"``, ``"N/day"``, or ``"N/10s"`` style periods; ``"off"`` turns one off.

Each client (remote address) has a token bucket: N requests at once, then one more every
period/N. Past it the answer is 429 with ``Retry-After``. The buckets live in this process
(waitress serves one process with threads), behind one lock, and at most ``RATE_LIMIT_CLIENTS``
of them are kept: the least recently seen client is forgotten first, which only ever makes
the limit more lenient for it.
"""
from __future__ import annotations

import math
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

from flask import Flask, current_app, request
from werkzeug.exceptions import TooManyRequests

from geomap.web import ConfigError

DEFAULT_WRITES = "30/minute"
# Reads are not limited by default: one analyst's map page pulls a dozen assets and the
# GeoJSON at once, and panning the time slider refetches it, so any useful read limit
# would throttle the very person the server is for. Turn it on for a public server.
DEFAULT_READS = None
DEFAULT_MAX_CLIENTS = 10_000
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_UNITS = {"s": 1, "sec": 1, "second": 1, "seconds": 1, "m": 60, "min": 60, "minute": 60, "minutes": 60,
          "h": 3600, "hour": 3600, "hours": 3600, "d": 86400, "day": 86400, "days": 86400}
_RATE = re.compile(r"\s*(\d+)\s*(?:/|per)\s*(\d+(?:\.\d+)?)?\s*([a-z]+)\s*", re.I)
_OFF = {"", "off", "none", "null", "false", "0"}


class RateLimitError(ConfigError):
    """A rate limit in the configuration that cannot be read."""


@dataclass(frozen=True)
class Rate:
    count: int
    period: float  # seconds

    def __str__(self) -> str:
        return f"{self.count} per {self.period:g} s"


def parse_rate(value) -> Rate | None:
    """``"30/minute"`` → Rate(30, 60.0); ``None``/``"off"`` → None (no limit)."""
    if value is None or value is False or str(value).strip().lower() in _OFF:
        return None
    if isinstance(value, Rate):
        return value
    match = _RATE.fullmatch(str(value))
    unit = match and _UNITS.get(match.group(3).lower())
    if not match or not unit:
        raise RateLimitError(f"a rate limit must look like 30/minute, 5/second or 100/10s (or off), got {value!r}")
    count, period = int(match.group(1)), float(match.group(2) or 1) * unit
    if count < 1 or period <= 0:
        raise RateLimitError(f"a rate limit needs at least 1 request in a positive period, got {value!r}")
    return Rate(count, period)


class RateLimiter:
    """Token buckets by client key; thread-safe, at most ``max_clients`` remembered."""

    def __init__(self, rate: Rate, *, max_clients: int = DEFAULT_MAX_CLIENTS,
                 clock: Callable[[], float] = time.monotonic):
        self.rate = rate
        self.max_clients = max(1, int(max_clients))
        self.clock = clock
        self._refill = rate.count / rate.period  # tokens per second
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)
        self._lock = threading.Lock()

    def hit(self, key: str) -> float:
        """Take one request for ``key``: 0 when allowed, else the seconds until one would be."""
        with self._lock:
            now = self.clock()
            tokens, at = self._buckets.pop(key, (float(self.rate.count), now))
            tokens = min(float(self.rate.count), tokens + (now - at) * self._refill)
            if tokens >= 1:
                tokens, wait = tokens - 1, 0.0
            else:
                wait = (1 - tokens) / self._refill
            self._buckets[key] = (tokens, now)  # most recently seen last
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            return wait

    def __len__(self) -> int:
        return len(self._buckets)


def init_app(app: Flask) -> None:
    """Read the limits from ``app.config`` (a bad one fails here, at start-up) and check every request."""
    app.config.setdefault("RATE_LIMIT_WRITES", DEFAULT_WRITES)
    app.config.setdefault("RATE_LIMIT_READS", DEFAULT_READS)
    clients = app.config.setdefault("RATE_LIMIT_CLIENTS", DEFAULT_MAX_CLIENTS)
    if not isinstance(clients, int) or isinstance(clients, bool) or clients < 1:
        raise RateLimitError(f"RATE_LIMIT_CLIENTS (GEOMAP_RATE_LIMIT_CLIENTS) must be a whole number of at least 1, "
                             f"got {clients!r}")
    clock = app.config.get("RATE_LIMIT_CLOCK") or time.monotonic  # tests pass a fake clock
    limiters = {}
    for kind in ("writes", "reads"):
        name = f"RATE_LIMIT_{kind.upper()}"
        try:
            rate = parse_rate(app.config[name])
        except RateLimitError as exc:
            raise RateLimitError(f"{name} (GEOMAP_{name}): {exc}") from None
        limiters[kind] = RateLimiter(rate, max_clients=clients, clock=clock) if rate else None
    app.extensions["geomap.limits"] = limiters

    @app.before_request
    def check_rate() -> None:
        # Before the body is read: a refused upload costs nothing.
        if request.method in READ_METHODS:
            if request.endpoint == "static":
                return  # a page's own assets (a dozen per map) are not what a read limit is for
            kind = "reads"
        else:
            kind = "writes"
        limiter = current_app.extensions["geomap.limits"][kind]
        if limiter is None:
            return
        # The peer address: behind a reverse proxy every user shares the proxy's (the limit then
        # applies to them together); X-Forwarded-For is not trusted, anyone can send it.
        wait = limiter.hit(request.remote_addr or "unknown")
        if wait > 0:
            raise TooManyRequests(
                description=f"too many requests: this server allows {_say(limiter.rate)} "
                            f"{'that change data' if kind == 'writes' else 'that read data'} from one address; "
                            f"try again in {math.ceil(wait)} s",
                retry_after=math.ceil(wait))


def _say(rate: Rate) -> str:
    for name, seconds in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        if rate.period == seconds:
            return f"{rate.count} requests a {name}"
    return f"{rate.count} requests every {rate.period:g} seconds"
