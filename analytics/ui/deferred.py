"""Deferred downloads (a file made on click) that are still there when the browser fetches them.

``st.download_button(data=callable)`` makes the file only when the button is clicked: the
browser sends a ``backend_operation_request``, Streamlit runs the callable in a worker
thread (``MediaFileManager.execute_deferred``), stores the bytes in its in-memory media
storage and answers with a ``/media/<id>`` URL, which the browser then fetches. Streamlit
1.67 stores that file *without* any session reference (« We leave actual_file_id unmapped
so repeat clicks rerun the callable », ``streamlit/runtime/media_file_manager.py``), while
``MediaFileManager.remove_orphaned_files`` runs at the end of **every** script run of
**every** session (``ScriptRunner._on_script_finished``) and when a session closes: the
first pass marks an unreferenced downloadable file, the second deletes it. On a busy
server two other sessions finish a run between the answer and the browser's request, and
the download answers 404 (1 in 10 sessions with 10 sessions open, 22 in 25 with 25, in
``python -m bench.bench_load``).

:func:`kept_until_fetched` wraps the callable: the bytes it returns are also registered
with the media file manager (``MediaFileManager.add``, public) under one of
:data:`SLOTS` fixed coordinates of a pseudo-session, before Streamlit stores the same
bytes. Streamlit names a stored file by the hash of its bytes, MIME type and file name
(``memory_media_file_storage._calculate_file_id``), so both are the same file, which
stays referenced, hence served, until :data:`SLOTS` later downloads have reused its slot
(``add`` at the same coordinates replaces the reference, the ring bounds memory to
:data:`SLOTS` files); then the usual two orphan passes remove it.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any

#: Files kept referenced at once (a one-page PDF is about 70 kB: about 4 MB at most).
SLOTS = 64
#: Coordinates prefix of the kept files (coordinates never used by an element).
COORDINATES = "deferred-download-kept"

_slot = itertools.count()
_lock = threading.Lock()


def _media_file_manager() -> Any | None:
    from streamlit import runtime

    if not runtime.exists():
        return None
    return runtime.get_instance().media_file_mgr


def keep(data: bytes, mimetype: str, file_name: str | None, manager: Any | None = None) -> None:
    """Reference ``data`` (as Streamlit will store it) in the next slot of the ring."""
    manager = manager if manager is not None else _media_file_manager()
    if manager is None:  # no server (``python page.py``, AppTest): nothing to keep
        return
    with _lock:
        slot = next(_slot) % SLOTS
    manager.add(data, mimetype, f"{COORDINATES}.{slot}", file_name, is_for_static_download=True)


def kept_until_fetched(
    make: Callable[[], bytes], mimetype: str, file_name: str, manager: Any | None = None
) -> Callable[[], bytes]:
    """``make`` for ``st.download_button(data=…)``, its file kept until fetched.

    ``mimetype`` and ``file_name`` must be the ones given to the button (they are part of
    the stored file's name). ``manager`` is the media file manager (the running server's
    by default).
    """

    def made() -> bytes:
        data = make()
        keep(data, mimetype, file_name, manager)
        return data

    return made
