"""Obtaining a source file: from a mirror folder, from the local cache, or by download.

Three origins, in this order of preference:

- **miroir**: a read-only folder of open data (``--mirror`` or ``DESERTS_MIRROR``, e.g.
  ``../shared/data``). The file is read *where it is*: it is never copied into the project
  (the mirror's README asks for that, and it saves disk). Its checksum is computed while
  streaming it and checked against ``Source.sha256`` when one is declared.
- **cache**: a file downloaded earlier into ``cache_dir`` and still valid (its checksum
  matches the declared one, or no checksum is declared and ``refresh`` is False).
- **téléchargement**: the official address ``Source.url``, streamed in 1 MiB chunks into a
  temporary file of ``cache_dir`` and moved into place with ``os.replace`` only once it is
  complete and verified, so a failed or interrupted download never leaves a partial or
  wrong file behind.

Downloads are retried on connection errors, time-outs, truncated bodies and HTTP 5xx (and
408/429, which mean "try again later"), with exponential backoff ``backoff_s * 2**k``;
any other 4xx fails at once, since retrying cannot fix a wrong address.

Sources whose mirror file is a *reduction* of an official file (``Source.derived``) cannot
be downloaded: the official address holds the full file, not the reduction. Without a
mirror they raise ``FetchError`` with the address to consult.

For tests, ``base_url_override`` replaces the scheme and host of the official address and
keeps its path and query (``https://unpkg.com/a/b.json`` → ``http://127.0.0.1:8765/a/b.json``):
this exercises the real URL handling rather than a hand-written address.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

from analytics.sources import Source

#: Environment variable naming the mirror folder when ``--mirror`` is not given.
MIRROR_ENV_VAR = "DESERTS_MIRROR"
#: Read and download chunk size.
CHUNK_SIZE = 1024 * 1024
#: HTTP statuses worth retrying besides 5xx: request time-out, too many requests.
RETRYABLE_4XX = frozenset({408, 429})

ORIGIN_MIRROR = "miroir"
ORIGIN_DOWNLOAD = "téléchargement"
ORIGIN_CACHE = "cache"

ProgressCallback = Callable[[int, int | None], None]


class FetchError(Exception):
    """A source file that could not be obtained: names the source, the file or URL, the cause."""

    def __init__(self, key: str | None, location: str, message: str) -> None:
        self.key = key
        self.location = location
        self.detail = message
        subject = f"Source « {key} » ({location})" if key else f"Dossier miroir ({location})"
        super().__init__(f"{subject} : {message}")


@dataclass(frozen=True)
class FetchResult:
    """Where a source file was found, and its checksum and size."""

    key: str
    path: Path
    sha256: str
    size: int
    origin: str  # "miroir", "téléchargement" or "cache"
    origin_location: str  # mirror file path or URL


class _RetryableError(Exception):
    """A download failure that a new attempt may fix."""


class _FatalError(Exception):
    """A download failure that a new attempt cannot fix (4xx, invalid address)."""


def resolve_mirror(cli_value: str | None) -> Path | None:
    """The mirror folder: the command-line value first, then ``$DESERTS_MIRROR``, else None.

    Raises ``FetchError`` when the folder given does not exist.
    """
    value = cli_value if cli_value else os.environ.get(MIRROR_ENV_VAR) or None
    if value is None:
        return None
    where = "l'option --mirror" if cli_value else f"la variable d'environnement {MIRROR_ENV_VAR}"
    path = Path(value).expanduser()
    if not path.is_dir():
        raise FetchError(
            None,
            str(path),
            f"ce dossier n'existe pas (indiqué par {where}). Vérifiez le chemin, ou omettez "
            "le miroir pour télécharger les fichiers depuis leurs adresses officielles.",
        )
    return path.resolve()


def _override_base(url: str, base_url: str) -> str:
    """``url`` with the scheme and host of ``base_url`` (path and query kept)."""
    original = urlsplit(url)
    base = urlsplit(base_url)
    path = base.path.rstrip("/") + original.path
    return urlunsplit((base.scheme, base.netloc, path, original.query, ""))


def _hash_file(path: Path, progress: ProgressCallback | None = None) -> tuple[str, int]:
    """SHA-256 and size of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    total = path.stat().st_size
    with path.open("rb") as f:
        while chunk := f.read(CHUNK_SIZE):
            digest.update(chunk)
            size += len(chunk)
            if progress is not None:
                progress(size, total)
    return digest.hexdigest(), size


def _from_mirror(source: Source, mirror: Path, progress: ProgressCallback | None) -> FetchResult:
    path = mirror / source.mirror_path
    if not path.is_file():
        raise FetchError(
            source.key,
            str(path),
            f"fichier absent du miroir (dossier miroir indiqué : {mirror}). Vérifiez que ce "
            f"dossier est bien la racine du miroir et qu'il contient « {source.mirror_path} ».",
        )
    try:
        sha256, size = _hash_file(path, progress)
    except OSError as exc:
        raise FetchError(source.key, str(path), f"lecture impossible : {exc}") from exc
    if source.sha256 and sha256 != source.sha256:
        raise FetchError(
            source.key,
            str(path),
            f"somme de contrôle inattendue : attendue {source.sha256}, obtenue {sha256}. "
            "Le fichier du miroir a changé ou est corrompu.",
        )
    return FetchResult(source.key, path, sha256, size, ORIGIN_MIRROR, str(path))


def _download_once(
    session: requests.Session,
    url: str,
    target: Path,
    *,
    timeout_s: float,
    progress: ProgressCallback | None,
) -> tuple[Path, str, int]:
    """One attempt: stream ``url`` into a temporary file next to ``target``.

    Returns the temporary path, its checksum and size. Raises ``_RetryableError`` for
    failures a new attempt may fix, ``_FatalError`` for the others.
    """
    try:
        response = session.get(url, stream=True, timeout=timeout_s)
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise _RetryableError(f"connexion impossible ({type(exc).__name__} : {exc})") from exc
    with response:
        status = response.status_code
        if status >= 500 or status in RETRYABLE_4XX:
            raise _RetryableError(f"le serveur a répondu HTTP {status} {response.reason or ''}")
        if status >= 400:
            raise _FatalError(
                f"le serveur a répondu HTTP {status} {response.reason or ''}".rstrip()
                + " ; l'adresse est peut-être périmée : consultez la page du jeu de données."
            )
        # With a Content-Encoding the length is that of the compressed body, not ours.
        length = response.headers.get("Content-Length")
        encoded = bool(response.headers.get("Content-Encoding"))
        total = int(length) if length and length.isdigit() and not encoded else None
        digest = hashlib.sha256()
        done = 0
        fd, tmp_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                if progress is not None:
                    progress(0, total)
                for chunk in response.iter_content(chunk_size=CHUNK_SIZE):
                    if not chunk:
                        continue
                    out.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
            if total is not None and done != total:
                raise _RetryableError(
                    f"réponse tronquée : {done} octets reçus sur {total} annoncés"
                )
        except (
            requests.ConnectionError,
            requests.Timeout,
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ) as exc:
            tmp.unlink(missing_ok=True)
            raise _RetryableError(
                f"transfert interrompu, connexion coupée ou réponse tronquée ({type(exc).__name__})"
            ) from exc
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return tmp, digest.hexdigest(), done


def fetch_source(
    source: Source,
    *,
    cache_dir: Path,
    mirror: Path | None,
    session: requests.Session | None = None,
    retries: int = 3,
    backoff_s: float = 1.0,
    timeout_s: float = 60,
    progress: ProgressCallback | None = None,
    base_url_override: str | None = None,
    refresh: bool = False,
) -> FetchResult:
    """Obtain the file of ``source`` and return where it is, with its checksum.

    - ``mirror`` given: the file ``mirror / source.mirror_path`` itself (never copied).
    - otherwise: the cached copy ``cache_dir / source.file_name`` when still valid and
      ``refresh`` is False, else a download of ``source.url`` (or of its path on
      ``base_url_override``), verified against ``source.sha256`` when declared.

    ``retries`` is the number of new attempts after a first failed one (so at most
    ``retries + 1`` requests); the k-th new attempt waits ``backoff_s * 2**(k-1)`` seconds.
    ``progress(bytes_done, total_or_None)`` is called as the file is read or received.
    Raises ``FetchError`` with a French message on any failure.
    """
    if mirror is not None:
        return _from_mirror(source, Path(mirror), progress)

    if source.derived:
        raise FetchError(
            source.key,
            source.mirror_path,
            "ce fichier est une réduction d'un fichier officiel, disponible uniquement dans "
            f"un dossier miroir (réduction : {source.derived.rstrip('. ')}). Indiquez le "
            "miroir (option --mirror ou "
            f"variable {MIRROR_ENV_VAR}) ; données officielles d'origine : {source.url} "
            f"(page du jeu de données : {source.dataset_page}).",
        )

    cache_dir = Path(cache_dir)
    target = cache_dir / source.file_name
    url = _override_base(source.url, base_url_override) if base_url_override else source.url

    if target.is_file() and not refresh:
        cached = _reuse_cache(source, target, url)
        if cached is not None:
            return cached

    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FetchError(
            source.key, str(cache_dir), f"dossier de cache inutilisable : {exc}"
        ) from exc

    own_session = session is None
    http = requests.Session() if session is None else session
    try:
        tmp, sha256, size = _download_with_retries(
            source,
            http,
            url,
            target,
            retries=retries,
            backoff_s=backoff_s,
            timeout_s=timeout_s,
            progress=progress,
        )
    finally:
        if own_session:
            http.close()

    if source.sha256 and sha256 != source.sha256:
        tmp.unlink(missing_ok=True)
        raise FetchError(
            source.key,
            url,
            f"somme de contrôle inattendue : attendue {source.sha256}, obtenue {sha256}. "
            "Le fichier publié a changé ou le téléchargement est corrompu ; il n'a pas été "
            "conservé.",
        )
    os.replace(tmp, target)
    return FetchResult(source.key, target, sha256, size, ORIGIN_DOWNLOAD, url)


def _reuse_cache(source: Source, target: Path, url: str) -> FetchResult | None:
    """The cached file as a result when still valid; a corrupt one is deleted."""
    try:
        sha256, size = _hash_file(target)
    except OSError:
        return None
    if source.sha256 is None or sha256 == source.sha256:
        return FetchResult(source.key, target, sha256, size, ORIGIN_CACHE, str(target))
    # Our own cache, not the mirror: a file that fails its checksum is worthless.
    target.unlink(missing_ok=True)
    return None


def _download_with_retries(
    source: Source,
    session: requests.Session,
    url: str,
    target: Path,
    *,
    retries: int,
    backoff_s: float,
    timeout_s: float,
    progress: ProgressCallback | None,
) -> tuple[Path, str, int]:
    attempts = max(0, int(retries)) + 1
    last_error = ""
    for attempt in range(attempts):
        if attempt > 0 and backoff_s > 0:
            time.sleep(backoff_s * 2 ** (attempt - 1))
        try:
            return _download_once(session, url, target, timeout_s=timeout_s, progress=progress)
        except _RetryableError as exc:
            last_error = str(exc)
        except _FatalError as exc:
            raise FetchError(source.key, url, f"téléchargement impossible : {exc}") from None
        except requests.RequestException as exc:  # invalid URL, too many redirects…
            raise FetchError(source.key, url, f"requête invalide : {exc}") from exc
        except OSError as exc:
            raise FetchError(source.key, str(target), f"écriture impossible : {exc}") from exc
    raise FetchError(
        source.key,
        url,
        f"téléchargement impossible après {attempts} tentative(s) ; dernière erreur : "
        f"{last_error}. Réessayez plus tard ou utilisez un dossier miroir (--mirror).",
    )
