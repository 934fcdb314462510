#!/usr/bin/env bash
# Set up a working environment in .venv on a fresh machine (idempotent, safe to re-run).
#   bash scripts/setup.sh          the app and the CLI, with Tesseract (Dutch) for scanned PDFs
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
else
  pip install -q -e .
fi

# Debian packages, installed with apt-get when running as root; otherwise a note says what is missing.
# OCR of scanned PDFs (assistant/ocr.py): Tesseract with its Dutch model, and poppler's pdftoppm.
missing=()
tesseract --list-langs 2>/dev/null | grep -x nld >/dev/null || missing+=(tesseract-ocr tesseract-ocr-nld)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
# The browser tests drive Debian's chromium; the no-network test records system calls with strace.
[ "${1:-}" != "--test" ] || [ -x /usr/bin/chromium ] || missing+=(chromium)
[ "${1:-}" != "--test" ] || command -v strace >/dev/null 2>&1 || missing+=(strace)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
    && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null
  then
    :
  else
    echo "note: Debian packages missing: ${missing[*]} (install as root: apt-get install ${missing[*]});" \
      "(scanned PDFs need tesseract-ocr-nld, the browser tests chromium, the no-network test strace)" >&2
  fi
fi
