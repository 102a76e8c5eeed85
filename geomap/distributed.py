"""Geoparse articles on a Dask cluster (``geomap ingest --dask ADDRESS``).

The client reads the articles, sends them to the workers in small batches, and gets the
results back in input order, so the store (written from the client, one article at a
time) ends up exactly as after a single-process run. Only a bounded window of batches is
in flight at a time: memory does not grow with the size of the input.

Each worker loads the gazetteer once, when the run registers its ``GeoparserPlugin``,
and drops it when the run ends. The workers open the gazetteer in the client's data
directory (``GEOMAP_DATA_DIR`` or the platform default, as ``geomap`` resolves it): on a
real cluster that path must hold the same gazetteer on every worker (a shared volume, or
the same build), or not exist there, in which case a worker uses its own
``GEOMAP_DATA_DIR``. The workers need geomap installed, at the client's version.

``address`` is a scheduler address (``tcp://host:8786``), ``"local"`` for a
``LocalCluster`` on this machine (one single-threaded worker process per core, started and
closed by the run), or a connected ``distributed.Client``, which the run leaves open.
"""
from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections import deque
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator

from distributed import Client, Future, LocalCluster, WorkerPlugin, get_worker
from distributed.comm import connect
from distributed.scheduler import KilledWorker

from geomap.model import Article
from geomap.pipeline import Failure, Parsed, parse_article

CONNECT_TIMEOUT = 10.0  # seconds to reach a scheduler before giving up
MAX_BATCH = 32  # articles per task: enough to make the per-task overhead small
BATCHES_PER_THREAD = 2  # in flight per worker thread (one running, one queued), besides the one being stored


class DaskUnavailable(RuntimeError):
    """The Dask scheduler cannot be reached, or the cluster could not do the work."""


def geoparse_on_dask(items: Iterable[Article], address: str | Client, *, data_dir: Path | str,
                     preferences: dict | None = None) -> Iterator[Parsed | Failure]:
    """Geoparse ``items`` on the Dask cluster at ``address``, yielding results in input order.

    One bad article yields a ``Failure``, as in a local run; losing the cluster raises
    ``DaskUnavailable``. ``preferences`` (learned from corrections) go to every worker's
    geoparser, as in ``geomap.services.geoparse_all``.
    """
    with _client(address) as client:
        plugin = GeoparserPlugin(str(data_dir), preferences)
        _register(client, plugin, address)
        try:
            yield from _in_order(client, plugin.name, iter(items), address)
        finally:
            _unregister(client, plugin.name)


# -- connecting ----------------------------------------------------------------------

@contextmanager
def _client(address: str | Client) -> Iterator[Client]:
    if isinstance(address, Client):  # the caller's: theirs to close
        yield address
        return
    if address == "local":
        with _local_client() as client:
            yield client
        return
    try:
        # Shake hands first: a Client that fails to connect cannot be closed cleanly, and its
        # finalizer stalls interpreter exit for seconds, printing a traceback.
        asyncio.run(_handshake(address))
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:  # refused, timed out, or not an address
        reason = str(exc) or f"no answer within {CONNECT_TIMEOUT:g} s"
        raise DaskUnavailable(f"cannot reach the Dask scheduler at {address}: {reason}") from exc
    try:
        yield client
    finally:
        client.close()


async def _handshake(address: str) -> None:
    async def shake() -> None:
        comm = await connect(address, timeout=CONNECT_TIMEOUT)
        await comm.close()

    # The outer limit too: a peer that accepts but never answers would hang connect's handshake.
    await asyncio.wait_for(shake(), CONNECT_TIMEOUT)


@contextmanager
def _local_client() -> Iterator[Client]:
    # No dashboard (it needs bokeh), and the scheduler's remaining HTTP routes on a free
    # port, not 8787, which another cluster may hold. Dask's log lines would drown the
    # progress bar and the summary on stderr, even its ERRORs: a worker's last heartbeat
    # racing the shutdown logs one with a traceback. What fails the run raises here anyway.
    cluster = LocalCluster(n_workers=max(1, os.cpu_count() or 1), threads_per_worker=1, processes=True,
                           dashboard_address=None, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                           silence_logs=logging.CRITICAL)
    with cluster, Client(cluster, set_as_default=False) as client:
        yield client


# -- one gazetteer per worker --------------------------------------------------------

class GeoparserPlugin(WorkerPlugin):
    """Loads the gazetteer and a geoparser once on each worker, for one run."""

    def __init__(self, data_dir: str, preferences: dict | None):
        self.name = f"geomap-geoparser-{uuid.uuid4().hex[:12]}"  # per run: concurrent runs keep their own
        self.data_dir = data_dir
        self.preferences = preferences
        self.parser = None

    async def setup(self, worker) -> None:
        # In a thread: loading takes a second or more, and the worker's event loop must
        # keep answering the scheduler meanwhile.
        self.parser = await asyncio.to_thread(self._load)

    def teardown(self, worker) -> None:
        if self.parser is not None:
            self.parser.gazetteer.close()
            self.parser = None

    def _load(self):
        from gazetteer import Gazetteer
        from geomap.pipeline import Geoparser

        # The client's data directory when this worker has it, else the worker's own default.
        data_dir = Path(self.data_dir) if Path(self.data_dir).is_dir() else None
        return Geoparser(Gazetteer.open(data_dir), preferences=self.preferences)


def _register(client: Client, plugin: GeoparserPlugin, address: str | Client) -> None:
    try:
        client.register_plugin(plugin, name=plugin.name)
    except Exception as exc:  # raised on a worker: a missing or broken gazetteer there
        raise DaskUnavailable(f"the workers of {_label(address)} could not load the gazetteer: "
                              f"{type(exc).__name__}: {exc}") from exc


def _unregister(client: Client, name: str) -> None:
    """Free the workers' gazetteers; a cluster that is already gone has nothing to free."""
    if client.status != "running":
        return
    try:
        client.unregister_worker_plugin(name)
    except Exception:
        pass


def _geoparse_batch(plugin_name: str, batch: list[Article]) -> list[Parsed | Failure]:
    """Runs on a worker: geoparse a batch with the worker's loaded geoparser."""
    parser = get_worker().plugins[plugin_name].parser
    return [parse_article(parser, article) for article in batch]


# -- ordering and the bounded window -------------------------------------------------

def _in_order(client: Client, plugin_name: str, articles: Iterator[Article],
              address: str | Client) -> Iterator[Parsed | Failure]:
    """Keep a window of batches in flight and hand back the oldest first: input order, and
    never more than the window read ahead of the caller."""
    window = max(1, sum(client.nthreads().values())) * BATCHES_PER_THREAD
    in_flight: deque[tuple[Future, list[Article]]] = deque()
    sizes = _batch_sizes()

    def top_up() -> None:
        while len(in_flight) < window and (batch := list(islice(articles, next(sizes)))):
            in_flight.append((client.submit(_geoparse_batch, plugin_name, batch, pure=False), batch))

    try:
        top_up()
        while in_flight:
            future, batch = in_flight.popleft()
            top_up()  # before waiting: the workers stay busy while the caller stores this batch
            yield from _results(future, batch, address)
    finally:
        if in_flight and client.status == "running":
            client.cancel([future for future, _ in in_flight])  # stopped early: free the workers now


def _batch_sizes() -> Iterator[int]:
    """1, 2, 4, ... up to MAX_BATCH: a short input still spreads over every worker and the
    first results come back at once; a long one runs in full batches."""
    size = 1
    while True:
        yield size
        size = min(size * 2, MAX_BATCH)


def _results(future: Future, batch: list[Article], address: str | Client) -> list[Parsed | Failure]:
    try:
        return future.result()
    except KilledWorker:  # an article in this batch kept killing workers: fail the batch, go on
        reason = f"geoparsing failed: the Dask workers running its batch of {len(batch)} kept dying"
        return [Failure(a.origin or a.title, reason) for a in batch]
    except Exception as exc:  # the scheduler is gone, or the workers lost the geoparser
        raise DaskUnavailable(f"{_label(address)} failed: {type(exc).__name__}: {exc}") from exc


def _label(address: str | Client) -> str:
    if isinstance(address, Client):
        return f"the Dask cluster at {address.scheduler.address}"
    return "the local Dask cluster" if address == "local" else f"the Dask cluster at {address}"
