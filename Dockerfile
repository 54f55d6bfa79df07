# The news archive: gunicorn serving Django, static files through whitenoise.
# Build: docker compose build (or docker build -t news-archive .); run: see README.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, from the pins in pyproject.toml alone: editing the code does not
# invalidate this layer, only a change of the dependencies does. A recent pip first: the
# base image's older pip skips extras spelt with "_" (jusText needs lxml[html_clean]).
COPY pyproject.toml ./
RUN pip install --no-cache-dir pip==26.3 \
    && python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; print('\n'.join(deps))" > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Meaning-based search (SEARCH_SEMANTIC=1): the `semantic` extra, torch from PyTorch's
# CPU wheel index (PyPI's build brings CUDA libraries, gigabytes this image never uses).
# About 330 MB to download, 1.2 GB installed; --build-arg SEMANTIC=0 leaves it out.
ARG SEMANTIC=1
RUN if [ "$SEMANTIC" = "1" ]; then \
        python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['semantic']; print('\n'.join(deps))" > /tmp/semantic.txt \
        && pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cpu "$(grep '^torch==' /tmp/semantic.txt)" \
        && pip install --no-cache-dir -r /tmp/semantic.txt \
        && rm /tmp/semantic.txt; \
    fi

# A numeric user, so platforms that insist on a non-root uid (runAsNonRoot) can check it.
RUN groupadd --gid 10001 app \
    && useradd --no-log-init --create-home --uid 10001 --gid app app

COPY . .

# /data holds what must outlive a container: the search index and the generated secret
# key (docker-compose.yml mounts a named volume there). Static files live in the image.
# DEBUG=0: the image is the production build, whatever runs it.
ENV DEBUG=0 \
    DATA_DIR=/data \
    SEARCH_INDEX_DIR=/data/index \
    STATIC_ROOT=/app/staticfiles \
    PORT=8000

# collectstatic needs settings, not secrets: a throwaway key, never used at run time.
RUN DEBUG=0 SECRET_KEY=collectstatic-build-step-only python manage.py collectstatic --noinput \
    && mkdir -p /data/index \
    && chown -R app:app /data

USER 10001:10001
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=10s --start-period=90s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py"]

ENTRYPOINT ["sh", "/app/docker/entrypoint.sh"]
CMD ["gunicorn", "--config", "docker/gunicorn.conf.py", "config.wsgi:application"]
