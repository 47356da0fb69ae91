"""Map layer files: gzip twins written once and served as they are."""

from __future__ import annotations

import asyncio
import gzip
import json

import pytest
from starlette.responses import PlainTextResponse

from analytics.ui import deck, layer_files

NAME = "0123456789abcdef01234567.json"


@pytest.fixture()
def cartes(tmp_path, monkeypatch):
    monkeypatch.setattr(deck, "DECK_DIR", tmp_path)
    monkeypatch.setattr(layer_files, "DECK_DIR", tmp_path)
    return tmp_path


async def _streamlit(scope, receive, send) -> None:  # what Streamlit would answer
    await PlainTextResponse("de Streamlit")(scope, receive, send)


def _get(path: str, encoding: str) -> tuple[int, dict[str, str], bytes]:
    """A GET through the middleware, as the ASGI server would make it."""
    sent: list[dict] = []
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "headers": [(b"accept-encoding", encoding.encode())],
        "query_string": b"",
        "http_version": "1.1",
    }

    requests = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict:
        if requests:
            return requests.pop()
        await asyncio.Event().wait()  # the client stays connected
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(layer_files.PrecompressedLayers(_streamlit)(scope, receive, send))
    start = sent[0]
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], headers, body


def test_the_twin_is_the_gzip_of_the_file(cartes) -> None:
    text = json.dumps([{"n": i} for i in range(1000)])
    deck._write(NAME, text)
    assert gzip.decompress((cartes / f"{NAME}.gz").read_bytes()).decode() == text
    assert (cartes / NAME).read_text(encoding="utf-8") == text


def test_a_layer_is_answered_from_its_twin_with_gzip_encoding(cartes) -> None:
    text = json.dumps([{"n": i} for i in range(1000)])
    deck._write(NAME, text)
    status, headers, body = _get(f"/app/static/cartes/{NAME}", "gzip, deflate, br")
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert headers["content-type"] == "application/json"
    assert "immutable" in headers["cache-control"]
    assert json.loads(gzip.decompress(body)) == json.loads(text)  # as a browser decodes it
    assert int(headers["content-length"]) == len(body) == (cartes / f"{NAME}.gz").stat().st_size


@pytest.mark.parametrize(
    ("path", "encoding"),
    [
        (f"/app/static/cartes/{NAME}", "identity"),  # no gzip accepted
        ("/app/static/cartes/ffffffffffffffffffffffff.json", "gzip"),  # no twin
        (f"/app/static/cartes/../{NAME}", "gzip"),  # not a layer name
        ("/_stcore/health", "gzip"),
    ],
)
def test_anything_else_goes_to_streamlit(cartes, path, encoding) -> None:
    deck._write(NAME, "[]")
    assert _get(path, encoding)[2] == b"de Streamlit"


def test_pruning_removes_the_twins_too(cartes, monkeypatch) -> None:
    monkeypatch.setattr(deck, "MAX_FILES", 2)
    for i in range(4):
        deck._write(f"{i:024x}.json", f"[{i}]")
    assert len(list(cartes.glob("*.json"))) == 2 and len(list(cartes.glob("*.json.gz"))) == 2
