"""Service functions the CLI and the web app share: ingest, reprocess, export."""
from __future__ import annotations

import multiprocessing
import time
from itertools import islice
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.engine import Engine

from geomap.corrections import apply_to_article, learned_preferences
from geomap.model import Article, Mention, Passage
from geomap.procs import die_with_parent
from geomap.store import (StoreError, articles, describe_error, is_store_failure, refresh_statistics, replace_geoparse,
                          save_article, writing)

Parsed = tuple[Article, list[Mention], list[Passage]]
_WINDOW_PER_WORKER = 32


@dataclass
class Failure:
    origin: str
    reason: str


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
    return _parse(_worker_parser, article)


def _parse(parser, article: Article) -> Parsed | Failure:
    try:
        found, passages = parser.geoparse_with_passages(article.text)
    except Exception as exc:  # one bad article must not stop a batch
        return Failure(article.origin or article.title, f"geoparsing failed: {type(exc).__name__}: {exc}")
    return article, found, passages


def geoparse_all(items: Iterable[Article], *, workers: int = 1, data_dir: Path | None = None,
                 parser=None, preferences: dict[str, str] | None = None) -> Iterator[Parsed | Failure]:
    """Geoparse articles in input order, on ``workers`` processes (1 = this process).

    ``preferences`` (surface key -> place key, learned from corrections) is a prior
    for the workers' geoparsers; a given ``parser`` keeps its own.
    """
    if workers <= 1:
        if parser is None:
            _init_worker(str(data_dir) if data_dir else None, preferences)
            parser = _worker_parser
        for article in items:
            yield _parse(parser, article)
        return
    # Fork: the workers inherit the imported code; each loads its own gazetteer once.
    context = multiprocessing.get_context("fork")
    articles_iter = iter(items)
    initargs = (str(data_dir) if data_dir else None, preferences)
    with context.Pool(workers, initializer=_init_worker, initargs=initargs) as pool:
        # Hand out a bounded window at a time: an unbounded imap reads the whole input
        # ahead of the single writer and memory grows with the batch.
        while window := list(islice(articles_iter, workers * _WINDOW_PER_WORKER)):
            yield from pool.imap(_parse_in_worker, window, chunksize=2)


# -- ingest --------------------------------------------------------------------------

def ingest(engine: Engine, items: Iterable[Article | Failure], *, workers: int = 1, replace: bool = False,
           data_dir: Path | None = None, parser=None,
           on_result: Callable[[str, str], None] | None = None) -> IngestSummary:
    """Geoparse and store articles, one transaction per article.

    ``items`` may hold read failures (anything with ``origin`` and ``reason``);
    they are counted and reported, and the batch goes on. ``on_result(status, origin)``
    is called after each item, for progress display.
    """
    summary = IngestSummary()
    started = time.monotonic()

    def articles_only() -> Iterator[Article]:
        for item in items:
            if isinstance(item, Article):
                yield item
            else:  # a reader's error: keep it for the summary, in order
                _record_failure(summary, Failure(item.origin, item.reason), on_result)

    with engine.connect() as conn:
        preferences = learned_preferences(conn)
    results = geoparse_all(articles_only(), workers=workers, data_dir=data_dir, parser=parser,
                           preferences=preferences)
    try:
        for result in results:
            if isinstance(result, Failure):
                _record_failure(summary, result, on_result)
                continue
            article, found, passages = result
            try:
                with writing(engine) as conn:
                    saved = save_article(conn, article, found, passages, replace=replace)
                    if saved.status != "unchanged":
                        apply_to_article(conn, saved.article_id)  # an analyst's decisions beat the ranking
            except Exception as exc:  # the transaction rolled back: nothing of this article is stored
                if is_store_failure(exc):  # disk full, read-only, damaged: every later article would fail too
                    raise IngestInterrupted(describe_error(exc, str(engine.url)), summary) from exc
                _record_failure(summary, Failure(article.origin or article.title, f"could not store: {exc}"),
                                on_result)
                continue
            setattr(summary, saved.status, getattr(summary, saved.status) + 1)
            if saved.status != "unchanged":
                summary.mentions += saved.mentions
                summary.place_ids.update(m.place.key for m in found)
            summary.article_ids.append(saved.article_id)
            if on_result:
                on_result(saved.status, article.origin or article.title)
    finally:
        results.close()  # stop the worker processes now, not when the generator is collected
        summary.seconds = time.monotonic() - started
    if summary.added or summary.updated:
        refresh_statistics(engine)  # sampled: a few milliseconds, even after a one-article upload
    return summary


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
    summary.seconds = time.monotonic() - started
    refresh_statistics(engine)
    return summary
