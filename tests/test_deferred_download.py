"""A file made on click survives other sessions' runs until the browser fetches it.

Streamlit's own media file manager and in-memory storage, driven as the server drives
them: ``add_deferred`` when the button is drawn, ``execute_deferred`` when it is clicked
(the answer carries the file's URL), ``remove_orphaned_files`` at the end of every other
session's run; then the browser's request for the URL.
"""

from __future__ import annotations

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileStorageError
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from analytics.ui import deferred

PDF = b"%PDF-1.7 fiche du territoire"
MIME, NAME = "application/pdf", "fiche_epci_200068781.pdf"


def _click_then_other_runs(data_callable, manager: MediaFileManager, storage, runs: int = 2):
    placeholder = manager.add_deferred(data_callable, MIME, "1.2.3", NAME)
    url = manager.execute_deferred(placeholder)
    for _ in range(runs):  # two other sessions finish a run before the browser fetches
        manager.remove_orphaned_files()
    file_id = url.rsplit("/", 1)[1].split(".")[0]
    return storage.get_file(file_id).content


def test_without_keeping_the_file_streamlit_deletes_it_before_it_is_fetched():
    # The mechanism itself: if Streamlit ever keeps the file, this fails and the
    # wrapper can go.
    storage = MemoryMediaFileStorage("/media")
    manager = MediaFileManager(storage)
    with pytest.raises(MediaFileStorageError):
        _click_then_other_runs(lambda: PDF, manager, storage)


def test_kept_file_is_served_after_other_sessions_runs():
    storage = MemoryMediaFileStorage("/media")
    manager = MediaFileManager(storage)
    made = deferred.kept_until_fetched(lambda: PDF, MIME, NAME, manager=manager)
    assert _click_then_other_runs(made, manager, storage, runs=20) == PDF


def test_kept_files_are_bounded_by_the_ring(monkeypatch):
    monkeypatch.setattr(deferred, "SLOTS", 3)
    storage = MemoryMediaFileStorage("/media")
    manager = MediaFileManager(storage)
    ids = []
    for i in range(5):
        made = deferred.kept_until_fetched(lambda i=i: PDF + bytes([i]), MIME, NAME, manager)
        url = manager.execute_deferred(manager.add_deferred(made, MIME, f"1.{i}", NAME))
        ids.append(url.rsplit("/", 1)[1].split(".")[0])
    for _ in range(2):
        manager.remove_orphaned_files()
    kept = []
    for file_id in ids:
        try:
            storage.get_file(file_id)
            kept.append(file_id)
        except MediaFileStorageError:
            pass
    assert kept == ids[-3:]  # the three latest downloads, the older ones released
