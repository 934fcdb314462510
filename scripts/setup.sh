#!/usr/bin/env bash
# Set up a working environment in .venv on a fresh machine (idempotent, safe to re-run).
#   bash scripts/setup.sh          the app and the CLI
#   bash scripts/setup.sh --test   plus the test tools and Debian's chromium for the browser tests
set -euo pipefail
cd "$(dirname "$0")/.."

python3.11 --version >/dev/null 2>&1 && PY=python3.11 || PY=python3
[ -x .venv/bin/python ] || "$PY" -m venv .venv
. .venv/bin/activate
export PIP_DISABLE_PIP_VERSION_CHECK=1
# torch first and pinned: this takes the CPU wheel; an unpinned torch pulls a multi-GB CUDA build.
pip install -q torch==2.13.0
if [ "${1:-}" = "--test" ]; then
  pip install -q -e ".[test]"
  if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ]; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
    else
      echo "note: /usr/bin/chromium is missing; install Debian's chromium for the browser tests" >&2
    fi
  fi
else
  pip install -q -e .
fi
