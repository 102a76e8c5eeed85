"""Service functions the CLI and the web app share: ingest, reprocess, export."""
from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.engine import Engine

from geomap.arrivals import IDLE, Arrivals
from geomap.corrections import any_active, apply_to_article, learned_preferences
from geomap.model import Article
from geomap.pipeline import Failure, Parsed, parse_article
from geomap.place_stats import rebuild as rebuild_place_stats
from geomap.procs import die_with_parent
from geomap.store import (StoreError, articles, describe_error, is_store_failure, refresh_statistics, replace_geoparse,
                          save_article, writing)

if TYPE_CHECKING:
    from distributed import Client

_WINDOW_PER_WORKER = 32
# Articles stored per transaction: one commit, one write-lock turn and one settling of the
# per-place totals for the lot. From a slow source a batch is stored once it is a second old,
# or once a second has passed with nothing new (a stream that pauses).
WRITE_BATCH = 64
WRITE_BATCH_SECONDS = 1.0


@dataclass
class IngestSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    mentions: int = 0
    place_ids: set[str] = field(default_factory=set)  # gazetteer keys of the places touched
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)

    @property
    def articles(self) -> int:
        return self.added + self.updated + self.unchanged

    def line(self) -> str:
        return (f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, {self.failed} failed; "
                f"{self.mentions} mentions of {len(self.place_ids)} distinct places in {self.seconds:.1f}s")


# -- geoparsing, in this process or in workers --------------------------------------

_worker_parser = None


def _init_worker(data_dir: str | None, preferences: dict[str, str] | None = None) -> None:
    """Load the gazetteer once per worker process."""
    global _worker_parser
    _die_with_parent()
    from gazetteer import Gazetteer
    from geomap.pipeline import Geoparser

    _worker_parser = Geoparser(Gazetteer.open(Path(data_dir) if data_dir else None), preferences=preferences)


def _die_with_parent() -> None:
    parent = multiprocessing.parent_process()
    if parent is not None:
        die_with_parent(parent.pid)


def _parse_in_worker(article: Article) -> Parsed | Failure:
    return parse_article(_worker_parser, article)


def geoparse_all(items: Iterable[Article | Failure], *, workers: int = 1, data_dir: Path | None = None,
                 parser=None, preferences: dict[str, str] | None = None,
                 dask: str | Client | None = None) -> Iterator[Parsed | Failure]:
    """Geoparse articles in input order, on ``workers`` processes (1 = this process),
    or on the Dask cluster ``dask`` names (see ``geomap.distributed``; ``workers`` is then ignored).

    ``preferences`` (surface key -> place key, learned from corrections) is a prior
    for the workers' geoparsers; a given ``parser`` keeps its own.

    An ``IDLE`` among the items (a source that paused: see ``geomap.arrivals``) comes out
    once what arrived before it is out, except on Dask.
    """
    # A reader's error (ReadError and the like) goes on as a plain Failure: it pickles to any worker.
    items = (item if isinstance(item, Article) or item is IDLE else Failure(item.origin, item.reason)
             for item in items)
    if dask is not None:
        items = (item for item in items if item is not IDLE)
        yield from _geoparse_on_dask(items, dask, data_dir, parser, preferences)
        return
    if workers <= 1:
        if parser is None:
            _init_worker(str(data_dir) if data_dir else None, preferences)
            parser = _worker_parser
        for article in items:
            yield IDLE if article is IDLE else parse_article(parser, article)
        return
    # Fork: the workers inherit the imported code; each loads its own gazetteer once.
    context = multiprocessing.get_context("fork")
    articles_iter = iter(items)
    initargs = (str(data_dir) if data_dir else None, preferences)
    with context.Pool(workers, initializer=_init_worker, initargs=initargs) as pool:
        # Bounded windows (an unbounded imap would read the whole input ahead of the single
        # writer, and memory would grow with the batch), two in flight: the workers parse the
        # next window while this one's results are being stored. A pause in the input cuts a
        # window short, so a slow stream's articles do not wait for a full one.
        current = None
        while True:
            window, paused = _window(articles_iter, workers * _WINDOW_PER_WORKER)
            following = pool.imap(_parse_in_worker, window, chunksize=2) if window else None
            if current is not None:
                yield from current
            if paused:
                yield IDLE
            elif following is None:
                return
            current = following


def _window(items: Iterator, size: int) -> tuple[list, bool]:
    """Up to ``size`` items, and whether an IDLE cut them short."""
    window = []
    for item in items:
        if item is IDLE:
            return window, True
        window.append(item)
        if len(window) >= size:
            break
    return window, False


def _geoparse_on_dask(items, dask, data_dir, parser, preferences) -> Iterator[Parsed | Failure]:
    from geomap.distributed import geoparse_on_dask  # imports Dask: only runs that use it pay for it

    if data_dir is None:  # the workers open the gazetteer this process would (the parser's, if given)
        from gazetteer import default_data_dir
        data_dir = parser.gazetteer.path.parent if parser is not None else default_data_dir()
    return geoparse_on_dask(items, dask, data_dir=data_dir, preferences=preferences)


# -- ingest --------------------------------------------------------------------------

def ingest(engine: Engine, items: Iterable[Article | Failure], *, workers: int = 1, replace: bool = False,
           data_dir: Path | None = None, parser=None,
           on_result: Callable[[str, str], None] | None = None, dask: str | Client | None = None) -> IngestSummary:
    """Geoparse and store articles, a batch per transaction (an article is never half stored;
    one that cannot be stored is reported and the rest of its batch stored without it).

    ``dask`` geoparses on a Dask cluster (a scheduler address, "local" or a connected
    ``distributed.Client``) instead of ``workers`` processes; the store, written from
    here in input order, ends up the same.

    ``items`` may hold read failures (anything with ``origin`` and ``reason``);
    they are counted and reported, and the batch goes on. ``on_result(status, origin)``
    is called after each item, for progress display.
    """
    summary = IngestSummary()
    started = time.monotonic()
    with engine.connect() as conn:
        preferences = learned_preferences(conn)
    # Readers' errors travel with the articles (parse_article passes them through), so each
    # is reported in its place.
    # Read on a thread of its own: a source that pauses does not hold back what came before.
    arrivals = Arrivals(items)
    results = geoparse_all(arrivals.stream(idle_after=WRITE_BATCH_SECONDS), workers=workers, data_dir=data_dir,
                           parser=parser, preferences=preferences, dask=dask)
    batch: list[Parsed | Failure] = []
    batch_started = 0.0
    try:
        for result in results:
            if result is IDLE:
                if batch:
                    _store(engine, batch, replace, summary, on_result)
                    batch = []
                continue
            if not batch:
                batch_started = time.monotonic()
            batch.append(result)
            if len(batch) >= WRITE_BATCH or time.monotonic() - batch_started >= WRITE_BATCH_SECONDS:
                _store(engine, batch, replace, summary, on_result)
                batch = []
        _store(engine, batch, replace, summary, on_result)
    finally:
        results.close()  # stop the worker processes now, not when the generator is collected
        arrivals.close()
        summary.seconds = time.monotonic() - started
    if summary.added or summary.updated:
        refresh_statistics(engine)  # sampled: a few milliseconds, even after a one-article upload
    return summary


def _store(engine: Engine, batch: list[Parsed | Failure], replace: bool, summary: IngestSummary,
           on_result) -> None:
    """Store a batch's geoparsed articles in one transaction and report every item in order;
    if one article cannot be stored, store them one per transaction instead, so only that
    one is lost (and reported)."""
    parsed = [item for item in batch if not isinstance(item, Failure)]
    saved = []
    if parsed:
        try:
            with writing(engine) as conn:
                corrected = any_active(conn)  # none (the usual case): a new article has nothing to apply
                saved = [_save(conn, article, found, passages, replace, corrected)
                         for article, found, passages in parsed]
        except Exception as exc:  # the transaction rolled back: nothing of this batch is stored
            if len(batch) > 1:  # one at a time: only the article at fault is lost (or, on a disk
                for one in batch:  # filling up, every article that still fits is kept)
                    _store(engine, [one], replace, summary, on_result)
                return
            if is_store_failure(exc):  # disk full, read-only, damaged: every later article would fail too
                raise IngestInterrupted(describe_error(exc, str(engine.url)), summary) from exc
            article = parsed[0][0]
            _record_failure(summary, Failure(article.origin or article.title, f"could not store: {exc}"), on_result)
            return
    results = iter(saved)
    for item in batch:
        if isinstance(item, Failure):
            _record_failure(summary, item, on_result)
            continue
        article, found, _ = item
        result = next(results)
        setattr(summary, result.status, getattr(summary, result.status) + 1)
        if result.status != "unchanged":
            summary.mentions += result.mentions
            summary.place_ids.update(m.place.key for m in found)
        summary.article_ids.append(result.article_id)
        if on_result:
            on_result(result.status, article.origin or article.title)


def _save(conn, article: Article, found, passages, replace: bool, corrected: bool):
    saved = save_article(conn, article, found, passages, replace=replace)
    if saved.status != "unchanged" and corrected:
        apply_to_article(conn, saved.article_id)  # an analyst's decisions beat the ranking
    return saved


class IngestInterrupted(StoreError):
    """The database failed mid-batch; what was committed before stays, ``summary`` counts it."""

    def __init__(self, message: str, summary: IngestSummary):
        super().__init__(message)
        self.summary = summary


def _record_failure(summary: IngestSummary, failure: Failure, on_result) -> None:
    summary.failed += 1
    summary.failures.append(failure)
    if on_result:
        on_result("failed", failure.origin)


def reprocess(engine: Engine, *, article_ids: Iterable[int] = (), workers: int = 1, data_dir: Path | None = None,
              on_result: Callable[[str, str], None] | None = None) -> IngestSummary:
    """Geoparse stored articles again (after a gazetteer or rule change), without re-reading sources."""
    summary = IngestSummary()
    started = time.monotonic()
    ids = list(article_ids)
    with engine.connect() as conn:
        query = select(articles.c.id).order_by(articles.c.id)
        if ids:
            query = query.where(articles.c.id.in_(ids))
        todo = list(conn.scalars(query))

    def stored() -> Iterator[Article]:
        for article_id in todo:
            with engine.connect() as conn:
                row = conn.execute(select(articles.c.title, articles.c.text).where(articles.c.id == article_id)).one()
            yield Article(title=row.title, text=row.text, origin=str(article_id))

    with engine.connect() as conn:
        preferences = learned_preferences(conn)
    for result in geoparse_all(stored(), workers=workers, data_dir=data_dir, preferences=preferences):
        if isinstance(result, Failure):
            _record_failure(summary, result, on_result)
            continue
        article, found, passages = result
        article_id = int(article.origin)
        with writing(engine) as conn:
            replace_geoparse(conn, article_id, article.text, found, passages)
            apply_to_article(conn, article_id)
        summary.updated += 1
        summary.mentions += len(found)
        summary.place_ids.update(m.place.key for m in found)
        summary.article_ids.append(article_id)
        if on_result:
            on_result("updated", f"article {article_id}")
    with writing(engine) as conn:  # and every place's totals recounted, whatever wrote the rows
        rebuild_place_stats(conn)
    summary.seconds = time.monotonic() - started
    refresh_statistics(engine)
    return summary
