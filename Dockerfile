# syntax=docker/dockerfile:1
# Dongne (동네물어봐): one image for every node of a scaled deployment (docs/scale.md).
# Build from the repository root:  docker build -t dongne .

# --- 1. the web client (TypeScript, Vite) -> src/dongne/static ----------------------------
FROM node:22-bookworm-slim AS web
WORKDIR /build
COPY web/package.json web/package-lock.json web/
RUN cd web && npm ci --no-audit --no-fund --loglevel=error
COPY web/ web/
# The build bundles the Jeju hotspot and region lists from the server's data files.
COPY src/dongne/regions/data/ src/dongne/regions/data/
RUN cd web && npm run build

# --- 2. the Python package and its dependencies, in a virtualenv --------------------------
FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /build
RUN python -m venv /opt/dongne
COPY pyproject.toml README.md constraints.txt ./
COPY src/ src/
COPY --from=web /build/src/dongne/static/ src/dongne/static/
RUN /opt/dongne/bin/pip install -c constraints.txt . \
    && /opt/dongne/bin/python -c "import dongne, pathlib; assert (pathlib.Path(dongne.__file__).parent / 'static' / 'index.html').is_file()"

# --- 3. what runs: no compilers, no Node, not root -----------------------------------------
FROM python:3.11-slim-bookworm
ENV PATH=/opt/dongne/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DONGNE_ENV=production \
    DONGNE_HOST=0.0.0.0 \
    DONGNE_PORT=8000 \
    DONGNE_DATA_DIR=/var/lib/dongne
RUN groupadd --system --gid 10001 dongne \
    && useradd --system --uid 10001 --gid dongne --home-dir /var/lib/dongne \
       --shell /usr/sbin/nologin dongne \
    && install -d -o dongne -g dongne -m 0750 /var/lib/dongne
COPY --from=build /opt/dongne /opt/dongne
USER 10001:10001
WORKDIR /var/lib/dongne
EXPOSE 8000
# Liveness only: /ready (database and Redis) is for load balancers, not for restarts.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('DONGNE_PORT', '8000'), timeout=2)"]
# SIGTERM: stop accepting, let long-polls go, finish running events, then exit (docs/scale.md).
STOPSIGNAL SIGTERM
CMD ["dongne", "serve"]
