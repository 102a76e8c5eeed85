"""Serving the app with waitress, in one process or several sharing one listening socket.

One Python process uses one core at a time (the GIL), and building a large GeoJSON
response is CPU work, so ``processes=N`` forks N waitress servers on a socket bound once
by the parent. The kernel hands each new connection to whichever is free. SQLite in WAL
mode takes readers and writers from several processes, so nothing else changes; the
parent only starts the children, restarts one that dies, and stops them all on
SIGTERM/SIGINT.
"""
from __future__ import annotations

import os
import signal
import socket
import sys
import time
from typing import Callable

from flask import Flask

from geomap.procs import die_with_parent

# A child that dies this soon after its start is failing, not crashing once: stop instead
# of restarting it in a loop.
_MIN_LIFETIME_S = 5.0


def serve(make_app: Callable[[], Flask], *, host: str, port: int, threads: int, processes: int = 1,
          prepare: Callable[[], None] | None = None, announce: Callable[[str], None] = print) -> None:
    """Serve ``make_app()`` on host:port. ``make_app`` runs first in this process, so a bad
    setting fails before anything binds, then once in each child after the fork.
    ``prepare`` runs in every serving process before it takes requests (loading the
    gazetteer there means the first upload does not stall every thread of its process)."""
    from waitress import serve as waitress_serve

    prepare = prepare or (lambda: None)
    app = make_app()
    if processes <= 1:
        prepare()
        announce(f"geomap: serving the map at http://{_display(host)}:{port}/  (Ctrl+C to stop)")
        waitress_serve(app, host=host, port=port, threads=threads, ident="geomap")
        return
    _dispose(app)  # database connections must not be shared across the fork
    listener = _bind(host, port)
    announce(f"geomap: serving the map at http://{_display(host)}:{port}/ with {processes} processes "
             "(Ctrl+C to stop)")
    parent = os.getpid()
    _supervise(lambda: _child(make_app, prepare, listener, threads, parent), processes)


def _child(make_app: Callable[[], Flask], prepare: Callable[[], None], listener: socket.socket, threads: int,
           parent: int) -> None:
    from waitress import serve as waitress_serve

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop, with SIGTERM
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    die_with_parent(parent)
    app = make_app()
    prepare()
    waitress_serve(app, sockets=[listener], threads=threads, ident="geomap")


def _supervise(run_child: Callable[[], None], processes: int) -> None:
    children: dict[int, float] = {}
    stopping = False

    def start() -> None:
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                run_child()
            except BaseException as exc:  # noqa: BLE001 - a child must never return into the parent's code
                print(f"geomap: server process failed: {exc}", file=sys.stderr)
                code = 1
            finally:
                os._exit(code)
        children[pid] = time.monotonic()

    def stop(*_) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(processes):
        start()
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        started = children.pop(pid, None)
        if started is None or stopping:
            continue
        if time.monotonic() - started < _MIN_LIFETIME_S:
            print(f"geomap: a server process exited at start-up (status {status}); stopping", file=sys.stderr)
            stop()
            continue
        print(f"geomap: a server process exited (status {status}); starting another", file=sys.stderr)
        start()


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    listener = socket.create_server((host.strip("[]"), port), family=family, backlog=1024)
    listener.set_inheritable(True)
    return listener


def _dispose(app: Flask) -> None:
    engine = app.extensions.get("geomap.engine")
    if engine is not None:
        engine.dispose()


def _display(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host
