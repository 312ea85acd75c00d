# syntax=docker/dockerfile:1
# The base image of both stages. Pin it by digest for builds that do not change under you
# (README, "Container"): python:3.11-slim@sha256:<digest>, or --build-arg PYTHON_IMAGE=...
ARG PYTHON_IMAGE=python:3.11-slim

# Build stage: install the locked dependencies (requirements.lock, every file checked against
# its hash), compile the catalogs and install the bot. What the running bot never uses is left
# out of the virtualenv: the build backend, pip and setuptools, and Babel's data for the ~900
# locales other than French and Breton (and root and English, which they fall back on).
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
# The dependencies first: their layer is rebuilt only when the lock changes.
COPY requirements.lock ./
RUN python -m venv /opt/kengo \
    && /opt/kengo/bin/pip install --quiet --require-hashes -r requirements.lock
COPY pyproject.toml README.md alembic.ini ./
COPY bot ./bot
COPY handlers ./handlers
COPY locales ./locales
# The build backend comes from the lock too (--no-build-isolation), then goes; `pip check`
# proves the bot needs none of it.
RUN /opt/kengo/bin/pybabel compile -d locales -D messages --statistics \
    && /opt/kengo/bin/pip install --quiet --no-deps --no-build-isolation . \
    && /opt/kengo/bin/python -c "import bot.i18n.translator as i; assert (i.default_locales_dir() / 'br/LC_MESSAGES/messages.mo').exists()" \
    && /opt/kengo/bin/python -I -c "from bot.search.places import communes; assert len(communes()) == 1409" \
    && /opt/kengo/bin/pip uninstall --quiet --yes \
        hatchling editables packaging pathspec pluggy tomlkit trove-classifiers \
    && /opt/kengo/bin/pip check \
    && /opt/kengo/bin/pip uninstall --quiet --yes pip setuptools \
    && find /opt/kengo/lib/python3.11/site-packages/babel/locale-data -name '*.dat' \
        ! -name root.dat ! -name fr.dat ! -name br.dat ! -name en.dat -delete \
    && /opt/kengo/bin/python -c "from babel.numbers import format_currency as f; print(f(1234.5, 'EUR', locale='br'), f(1234.5, 'EUR', locale='fr'))"

# Run stage: the virtualenv only, as an unprivileged user.
FROM ${PYTHON_IMAGE}
ENV PATH=/opt/kengo/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite+aiosqlite:////data/kengo.db \
    HTTP_PORT=8080
RUN groupadd --system --gid 10001 kengo \
    && useradd --system --uid 10001 --gid kengo --home-dir /data kengo \
    && mkdir /data && chown kengo:kengo /data
COPY --from=build /opt/kengo /opt/kengo
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('HTTP_PORT', '8080')}/healthz\", timeout=4)"]
STOPSIGNAL SIGTERM
CMD ["kengo-bot", "run"]
