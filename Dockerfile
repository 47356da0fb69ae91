# syntax=docker/dockerfile:1.7
# One replica of the dashboard: the app, its pinned dependencies, Debian Chromium and fonts
# for the PNG/SVG/PDF exports, and the read-only database built at image build time.
#
# From the open-data mirror (read in place for the build step only, never copied into
# the image; BuildKit named context):
#   docker build --build-context mirror=../shared/data -t deserts-medicaux .
# From the official addresses (needs Internet at build time; the catalogue's reduced
# sources — RPPS counts per commune, the APL 2015–2023 series — exist only in a mirror,
# and the build stops there with a French message naming them):
#   docker build --build-arg DATA_SOURCE=official -t deserts-medicaux .
# Run (health check on /_stcore/health):
#   docker run --rm -p 8501:8501 deserts-medicaux

ARG DATA_SOURCE=mirror

FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BROWSER_PATH=/usr/bin/chromium \
    DESERTS_DB=/app/data/deserts.duckdb
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .

FROM base AS data-mirror
RUN --mount=type=bind,from=mirror,target=/mirror,readonly \
    python -m analytics.build --mirror /mirror --cache /tmp/cache \
    && rm -rf /tmp/cache

FROM base AS data-official
RUN python -m analytics.build --cache /tmp/cache \
    && rm -rf /tmp/cache

FROM data-${DATA_SOURCE} AS app
# The app only reads the database: owned by root, read-only for the user that serves.
RUN useradd --create-home --uid 10001 app \
    && chmod -R a-w /app/data
USER app
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]
CMD ["streamlit", "run", "serve.py", "--server.port=8501", "--server.address=0.0.0.0", "--server.headless=true"]
