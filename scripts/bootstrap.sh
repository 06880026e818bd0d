#!/usr/bin/env bash
# Create or update the project's virtualenv (.venv) so `make up` and `make test` work on a
# fresh Linux machine with Python 3.11+. Re-installs only when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${SELECTIO_VENV:-.venv}
EXTRAS=${SELECTIO_EXTRAS:-dev,voice}

find_python() {
    for candidate in "${PYTHON:-}" python3.11 python3.12 python3.13 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if [ ! -x "$VENV/bin/python" ]; then
    if ! PY=$(find_python); then
        echo "error: Python 3.11 or newer is needed; install python3.11 (with venv) and retry" >&2
        exit 1
    fi
    echo "creating virtualenv $VENV with $PY"
    if ! "$PY" -m venv "$VENV"; then
        echo "error: could not create a virtualenv; install the python3-venv package and retry" >&2
        exit 1
    fi
fi

# Chromium renders PDF reports (and, in tests, runs the interview page through Playwright).
# `make test` needs it (SELECTIO_NEED_CHROMIUM=1: a failure stops); `make up` wants it
# (SELECTIO_WANT_CHROMIUM=1: without it the product runs and reports say the PDF is missing).
if { [ "${SELECTIO_NEED_CHROMIUM:-0}" = "1" ] || [ "${SELECTIO_WANT_CHROMIUM:-0}" = "1" ]; } \
    && ! command -v chromium >/dev/null 2>&1; then
    installed=0
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing Debian's chromium (PDF reports, browser tests)"
        if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; then
            installed=1
        fi
    fi
    if [ "$installed" = "0" ]; then
        if [ "${SELECTIO_NEED_CHROMIUM:-0}" = "1" ]; then
            echo "error: the browser tests need Debian's chromium: run 'sudo apt-get install chromium'" >&2
            exit 1
        fi
        echo "warning: no chromium: PDF reports are off until 'sudo apt-get install chromium'" >&2
    fi
fi

stamp="$VENV/.selectio-installed"
want=$( (cat pyproject.toml; echo "extras=$EXTRAS") | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "installing selectio[$EXTRAS] into $VENV (first run takes a few minutes)"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    if ! "$VENV/bin/python" -m pip install --quiet -e ".[$EXTRAS]"; then
        echo "error: installing the Python dependencies failed (see pip's message above)" >&2
        exit 1
    fi
    echo "$want" > "$stamp"
fi
