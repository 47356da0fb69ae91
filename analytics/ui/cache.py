"""The served database, followed across rebuilds, and the bounds of the shared caches.

``python -m analytics.build`` writes a new file and moves it over the old one with
``os.replace`` only once every check has passed, so a failed build leaves the served file
untouched. The app notices a new build by the file's identity (:func:`db_key`: device,
inode, size, modification time — a new ``os.replace`` always gives a new inode), which is
also the first part of every cache key: a new build never reads a result of the old one.

DuckDB keeps one database instance per path in a process: ``duckdb.connect(path)`` while a
connection to that path is open returns the *old* instance, even after the file was
replaced (checked with DuckDB 1.x/2.0). Each build is therefore opened through a hard link
with a unique name, next to the file, removed as soon as the connection is open (the open
file keeps the inode alive, as Linux keeps the replaced file for the connections that still
use it). Sessions whose run started on the old build finish on it: the old connection is
closed :data:`RETIRE_AFTER_S` seconds after the new one opens, when no run still uses it.

Every shared cache is bounded (``max_entries`` and ``ttl`` below), so memory comes back
to its level once sessions close.
"""

from __future__ import annotations

import atexit
import gc
import itertools
import os
import threading
import time
from pathlib import Path

import duckdb

from analytics import db
from analytics.errors import DatabaseMissingError

#: Seconds an old build's connection stays open after a new build is seen.
RETIRE_AFTER_S = 120.0
#: Time to live of shared cache entries (seconds): an entry unused this long is dropped.
CACHE_TTL_S = 3600
#: Seconds between two full garbage collections (see :func:`start_collector`).
COLLECT_EVERY_S = 10.0

DbKey = tuple[str, int, int, int, int]

_lock = threading.Lock()
_open: dict[DbKey, duckdb.DuckDBPyConnection] = {}
_current: DbKey | None = None
_names = itertools.count()


def db_key() -> DbKey:
    """Identity of the database file now: (path, device, inode, size, mtime in ns)."""
    path = db.db_path()
    try:
        st = path.stat()
    except FileNotFoundError:
        return (str(path), 0, 0, 0, 0)
    return (str(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _connect_snapshot(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the file at ``path`` now (see the module's note)."""
    if not path.exists():
        return db.connect(path)  # raises the French « build it » message
    link = path.with_name(f".{path.name}.open-{os.getpid()}-{next(_names)}")
    try:
        os.link(path, link)
    except OSError:  # a read-only folder: the plain path (a rebuild then needs a restart)
        return db.connect(path)
    try:
        return db.connect(link)
    except DatabaseMissingError as exc:
        raise DatabaseMissingError(str(exc).replace(str(link), str(path))) from None
    finally:
        link.unlink(missing_ok=True)


def _close_later(key: DbKey) -> None:
    def close() -> None:
        with _lock:
            con = _open.pop(key, None) if key != _current else None
        if con is not None:
            con.close()

    timer = threading.Timer(RETIRE_AFTER_S, close)
    timer.daemon = True
    timer.start()


def connection(key: DbKey | None = None) -> duckdb.DuckDBPyConnection:
    """The connection of build ``key`` while it is still open, else of the current file.

    Raises :class:`~analytics.errors.DatabaseMissingError` (French message) when the file
    is missing, unreadable or of an older schema.
    """
    global _current
    with _lock:
        if key is not None and key in _open:
            return _open[key]
        now = db_key()
        if now in _open:
            return _open[now]
        con = _connect_snapshot(Path(now[0]))
        old, _current = _current, now
        _open[now] = con
    if old is not None:
        _close_later(old)
    return con


_collector_started = False


def start_collector(every_s: float = COLLECT_EVERY_S) -> None:
    """A full garbage collection every ``every_s`` seconds, once per process.

    Streamlit collects after every script run (``runner.postScriptGC``): about 0,25 s
    holding the interpreter lock with the national frames in memory, at every run of every
    session. The app turns that off (``.streamlit/config.toml``); cyclic garbage left by
    runs (figures, styled tables) is then collected here, at most every ``every_s``
    seconds whatever the number of sessions, so memory still comes back once they close.
    """
    global _collector_started
    with _lock:
        if _collector_started:
            return
        _collector_started = True

    def loop() -> None:
        while True:
            time.sleep(every_s)
            gc.collect()

    threading.Thread(target=loop, name="gc-periodique", daemon=True).start()


def open_builds() -> int:
    """How many builds have an open connection (the current one, and those retiring)."""
    with _lock:
        return len(_open)


def reset() -> None:
    """Close every connection now (tests)."""
    global _current
    with _lock:
        cons = list(_open.values())
        _open.clear()
        _current = None
    for con in cons:
        con.close()


atexit.register(reset)  # connections closed before DuckDB's module is torn down
