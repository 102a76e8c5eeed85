"""Reading a source on a thread of its own, so waiting for a slow one does not hold up the rest.

A stream on stdin (``tail -f feed.jsonl | geomap ingest -``) may pause for minutes between
articles. Read in line, the pause would also hold back the articles that came before it,
parsed but not yet stored. ``Arrivals`` reads ahead (a bounded queue, so a fast source is
never read far ahead of the geoparser) and ``stream`` yields ``IDLE`` whenever nothing has
come for a while, which tells the consumer to finish what it holds.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import Any


class _Idle:
    def __repr__(self) -> str:
        return "IDLE"


IDLE: Any = _Idle()  # "nothing came for a while": never an item itself
_END = object()
_PUT_RETRY_SECONDS = 0.2  # how often a reader blocked on a full queue checks whether it should stop


class Arrivals:
    """The items of ``source`` as they arrive, read on a daemon thread.

    A consumer that stops early (an error, Ctrl-C) calls ``close``, so the reader stops at
    its next item instead of reading on into a full queue.
    """

    def __init__(self, source: Iterable, *, ahead: int = 256):
        self._source = source
        self._queue: queue.Queue = queue.Queue(ahead)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def stream(self, idle_after: float) -> Iterator:
        """Each item in order, with ``IDLE`` after every ``idle_after`` seconds that brought none."""
        if self._thread is None:  # started on first use: a worker pool forks before any reading
            self._thread = threading.Thread(target=self._read, name="geomap-reader", daemon=True)
            self._thread.start()
        while True:
            try:
                kind, value = self._queue.get(timeout=idle_after)
            except queue.Empty:
                yield IDLE
                continue
            if kind is _END:
                return
            if kind == "error":
                raise value
            yield value

    def close(self) -> None:
        self._stop.set()

    def _read(self) -> None:
        try:
            for item in self._source:
                if not self._put(("item", item)):
                    return
        except BaseException as exc:  # handed to the consumer, raised where it reads
            self._put(("error", exc))
        else:
            self._put((_END, None))

    def _put(self, entry: tuple) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(entry, timeout=_PUT_RETRY_SECONDS)
                return True
            except queue.Full:
                continue
        return False
