"""Fetching source files against a real local HTTP server and a temporary mirror folder."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from analytics.fetch import (
    MIRROR_ENV_VAR,
    ORIGIN_CACHE,
    ORIGIN_DOWNLOAD,
    ORIGIN_MIRROR,
    FetchError,
    fetch_source,
    resolve_mirror,
)
from analytics.sources import Source, get_source

BODY = b'[{"code":"01001","nom":"L\'Abergement-Cl\xc3\xa9menciat"}]\n' * 50
BODY_SHA = hashlib.sha256(BODY).hexdigest()
URL_PATH = "/@etalab/decoupage-administratif@6.0.0/data/communes.json"


@dataclass
class Reply:
    """One scripted HTTP reply; ``declared_length`` larger than the body truncates it."""

    status: int = 200
    body: bytes = BODY
    declared_length: int | None = None


@dataclass
class Script:
    """Replies served in order for each path (the last one repeats), and hits counted."""

    routes: dict[str, list[Reply]] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_reply(self, path: str) -> Reply:
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            replies = self.routes.get(path) or [Reply(404, b"not found")]
            return replies.pop(0) if len(replies) > 1 else replies[0]


class _Handler(BaseHTTPRequestHandler):
    script: Script  # set on the per-server subclass

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        reply = self.script.next_reply(self.path)
        self.send_response(reply.status)
        length = reply.declared_length if reply.declared_length is not None else len(reply.body)
        self.send_header("Content-Length", str(length))
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(reply.body)
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    """A real HTTP server on 127.0.0.1, on a free port, in a background thread."""
    script = Script()
    handler = type("Handler", (_Handler,), {"script": script})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", script
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _source(sha256: str | None = BODY_SHA, derived: str | None = None) -> Source:
    return replace(
        get_source("communes"),
        key="communes_test",
        url="https://unpkg.com" + URL_PATH,
        mirror_path="admin/communes_test.json",
        sha256=sha256,
        derived=derived,
    )


def _fetch(source: Source, base: str, cache: Path, **kwargs: object):
    options: dict = {"retries": 3, "backoff_s": 0, "timeout_s": 5, "base_url_override": base}
    options.update(kwargs)
    return fetch_source(source, cache_dir=cache, mirror=None, **options)


def test_download_streams_records_checksum_and_reports_progress(server, tmp_path) -> None:
    base, script = server
    script.routes[URL_PATH] = [Reply()]
    calls: list[tuple[int, int | None]] = []
    result = _fetch(
        _source(), base, tmp_path, progress=lambda done, total: calls.append((done, total))
    )
    assert result.origin == ORIGIN_DOWNLOAD
    assert result.origin_location == base + URL_PATH
    assert result.path == tmp_path / "communes_test.json"
    assert result.path.read_bytes() == BODY
    assert (result.sha256, result.size) == (BODY_SHA, len(BODY))
    assert calls[0] == (0, len(BODY)) and calls[-1] == (len(BODY), len(BODY))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["communes_test.json"]  # no .part


def test_download_without_expected_checksum_records_it(server, tmp_path) -> None:
    base, script = server
    script.routes[URL_PATH] = [Reply()]
    result = _fetch(_source(sha256=None), base, tmp_path / "cache" / "nested")
    assert result.sha256 == BODY_SHA
    assert result.path.is_file()


def test_503_twice_then_success_is_retried(server, tmp_path) -> None:
    base, script = server
    script.routes[URL_PATH] = [Reply(503, b"busy"), Reply(503, b"busy"), Reply()]
    result = _fetch(_source(), base, tmp_path, retries=2)
    assert script.hits[URL_PATH] == 3
    assert result.sha256 == BODY_SHA


def test_503_beyond_retries_fails(server, tmp_path) -> None:
    base, script = server
    script.routes[URL_PATH] = [Reply(503, b"busy")]
    with pytest.raises(FetchError, match="503") as info:
        _fetch(_source(), base, tmp_path, retries=2)
    assert script.hits[URL_PATH] == 3
    assert "3 tentative" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_404_fails_at_once_naming_the_url(server, tmp_path) -> None:
    base, script = server
    script.routes[URL_PATH] = [Reply(404, b"no such file")]
    with pytest.raises(FetchError) as info:
        _fetch(_source(), base, tmp_path)
    message = str(info.value)
    assert base + URL_PATH in message
    assert "404" in message and "communes_test" in message
    assert script.hits[URL_PATH] == 1
    assert list(tmp_path.iterdir()) == []


def test_checksum_mismatch_fails_and_keeps_no_file(server, tmp_path) -> None:
    base, script = server
    script.routes[URL_PATH] = [Reply(body=b"something else")]
    with pytest.raises(FetchError) as info:
        _fetch(_source(), base, tmp_path)
    message = str(info.value)
    assert BODY_SHA in message
    assert hashlib.sha256(b"something else").hexdigest() in message
    assert list(tmp_path.iterdir()) == []
    assert script.hits[URL_PATH] == 1  # a wrong file is not retried


def test_truncated_response_is_retried_then_fails(server, tmp_path) -> None:
    base, script = server
    script.routes[URL_PATH] = [Reply(body=BODY[:100], declared_length=len(BODY))]
    with pytest.raises(FetchError, match="tentative") as info:
        _fetch(_source(), base, tmp_path, retries=2)
    assert script.hits[URL_PATH] == 3
    assert base + URL_PATH in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_truncated_then_complete_succeeds(server, tmp_path) -> None:
    base, script = server
    script.routes[URL_PATH] = [Reply(body=BODY[:100], declared_length=len(BODY)), Reply()]
    result = _fetch(_source(), base, tmp_path)
    assert script.hits[URL_PATH] == 2
    assert result.path.read_bytes() == BODY


def test_connection_refused_is_retried_then_fails(tmp_path) -> None:
    # Port 9 on 127.0.0.1 (discard): nothing listens there on a test machine.
    with pytest.raises(FetchError, match="connexion impossible"):
        _fetch(_source(), "http://127.0.0.1:9", tmp_path, retries=1, timeout_s=2)


def test_valid_cache_is_reused_and_refresh_downloads_again(server, tmp_path) -> None:
    base, script = server
    script.routes[URL_PATH] = [Reply()]
    _fetch(_source(), base, tmp_path)
    again = _fetch(_source(), base, tmp_path)
    assert again.origin == ORIGIN_CACHE
    assert again.sha256 == BODY_SHA
    assert script.hits[URL_PATH] == 1
    refreshed = _fetch(_source(), base, tmp_path, refresh=True)
    assert refreshed.origin == ORIGIN_DOWNLOAD
    assert script.hits[URL_PATH] == 2


def test_corrupt_cache_is_downloaded_again(server, tmp_path) -> None:
    base, script = server
    script.routes[URL_PATH] = [Reply()]
    (tmp_path / "communes_test.json").write_bytes(b"corrupt")
    result = _fetch(_source(), base, tmp_path)
    assert result.origin == ORIGIN_DOWNLOAD
    assert result.path.read_bytes() == BODY


def test_cache_without_expected_checksum_is_reused(server, tmp_path) -> None:
    base, script = server
    (tmp_path / "communes_test.json").write_bytes(b"earlier download")
    result = _fetch(_source(sha256=None), base, tmp_path)
    assert result.origin == ORIGIN_CACHE
    assert result.sha256 == hashlib.sha256(b"earlier download").hexdigest()
    assert script.hits == {}


@pytest.fixture
def mirror(tmp_path) -> Path:
    root = tmp_path / "mirror"
    (root / "admin").mkdir(parents=True)
    (root / "admin" / "communes_test.json").write_bytes(BODY)
    return root


def test_mirror_returns_the_mirror_file_itself(mirror, tmp_path) -> None:
    cache = tmp_path / "cache"
    calls: list[tuple[int, int | None]] = []
    result = fetch_source(
        _source(), cache_dir=cache, mirror=mirror, progress=lambda d, t: calls.append((d, t))
    )
    assert result.origin == ORIGIN_MIRROR
    assert result.path == mirror / "admin" / "communes_test.json"
    assert result.origin_location == str(result.path)
    assert (result.sha256, result.size) == (BODY_SHA, len(BODY))
    assert calls[-1] == (len(BODY), len(BODY))
    assert not cache.exists()  # nothing copied


def test_mirror_serves_derived_sources(mirror, tmp_path) -> None:
    result = fetch_source(
        _source(sha256=None, derived="réduit"), cache_dir=tmp_path / "c", mirror=mirror
    )
    assert result.origin == ORIGIN_MIRROR and result.sha256 == BODY_SHA


def test_missing_mirror_file_names_the_expected_path(mirror, tmp_path) -> None:
    source = replace(_source(), mirror_path="health/absent.csv")
    with pytest.raises(FetchError) as info:
        fetch_source(source, cache_dir=tmp_path / "cache", mirror=mirror)
    message = str(info.value)
    assert str(mirror / "health" / "absent.csv") in message
    assert f"dossier miroir indiqué : {mirror}" in message


def test_mirror_checksum_mismatch_fails(mirror, tmp_path) -> None:
    with pytest.raises(FetchError, match="somme de contrôle"):
        fetch_source(_source(sha256="0" * 64), cache_dir=tmp_path / "cache", mirror=mirror)


def test_derived_source_without_mirror_explains_and_gives_the_official_address(
    server, tmp_path
) -> None:
    base, script = server
    source = get_source("rpps_communes")
    assert source.derived
    with pytest.raises(FetchError) as info:
        fetch_source(source, cache_dir=tmp_path, mirror=None, base_url_override=base)
    message = str(info.value)
    assert "rpps_communes" in message
    assert "uniquement dans un dossier miroir" in message
    assert source.url in message
    assert script.hits == {}
    assert list(tmp_path.iterdir()) == []


def test_resolve_mirror(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(MIRROR_ENV_VAR, raising=False)
    assert resolve_mirror(None) is None
    assert resolve_mirror("") is None
    assert resolve_mirror(str(tmp_path)) == tmp_path.resolve()
    env_dir = tmp_path / "env"
    env_dir.mkdir()
    monkeypatch.setenv(MIRROR_ENV_VAR, str(env_dir))
    assert resolve_mirror(None) == env_dir.resolve()
    assert resolve_mirror(str(tmp_path)) == tmp_path.resolve()  # CLI value first
    with pytest.raises(FetchError, match="absent"):
        resolve_mirror(str(tmp_path / "absent"))
    monkeypatch.setenv(MIRROR_ENV_VAR, str(tmp_path / "gone"))
    with pytest.raises(FetchError, match=MIRROR_ENV_VAR):
        resolve_mirror(None)
