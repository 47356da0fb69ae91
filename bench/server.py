"""Start the app on a free local port for a benchmark, and stop it afterwards.

Both browser and load benchmarks start their own ``streamlit run serve.py`` (``app.py`` in a
checkout without ``serve.py``; on the national
database: ``DESERTS_DB`` or ``data/deserts.duckdb``; nothing is built) so that they can be
run unattended, and so that the server's process is known (its memory is read by
:mod:`psutil`). ``root`` may be another checkout of the project, to measure a before and an
after with the same benchmark.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Debian's Chromium (``apt-get install chromium``); Playwright never downloads a browser.
CHROMIUM = os.environ.get("BROWSER_PATH", "/usr/bin/chromium")
#: Headless Chromium on a machine without GPU nor network: software WebGL (SwiftShader) for
#: deck.gl, and no background connection that a closed network would refuse.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    root: Path

    @property
    def pid(self) -> int:
        return self.proc.pid


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine_load() -> str:
    """The 1-minute load average and core count, printed with every result."""
    one, five, _ = os.getloadavg()
    return f"charge de la machine : {one:.2f} (1 min), {five:.2f} (5 min), {os.cpu_count()} cœurs"


@contextlib.contextmanager
def serve(
    db: Path, root: Path = ROOT, env: dict[str, str] | None = None, timeout: float = 90.0
) -> Iterator[Server]:
    """``streamlit run serve.py`` (else ``app.py``) of ``root`` against ``db`` until healthy;
    stopped on exit."""
    port = free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(root / "serve.py" if (root / "serve.py").exists() else root / "app.py"),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=root,
        env={**os.environ, "DESERTS_DB": str(db), "DESERTS_WARM_EXPORTS": "0", **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                log.seek(0)
                raise RuntimeError(f"le serveur n'a pas démarré :\n{log.read().decode()[-3000:]}")
            time.sleep(0.3)
        yield Server(url, proc, root)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
