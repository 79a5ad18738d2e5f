#!/usr/bin/env bash
# System packages the tests need, installed only where missing (Debian/Ubuntu, as root or via sudo).
set -euo pipefail
need=()
# pyspark (the Spark engine, toex[spark]) needs Java 17 or newer.
java_major() { java -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'; }
if ! command -v java >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ] 2>/dev/null; then
  need+=(openjdk-17-jre-headless)
fi
# WeasyPrint (intelligence packages as PDF) needs pango; the PDF tests use poppler-utils.
ldconfig -p 2>/dev/null | grep -c libpango-1.0 >/dev/null || need+=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
# The web front end's build and unit tests (make web) need Node.js 20.19 or newer with npm.
node_ok() { node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; }
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1 || ! node_ok; then
  need+=(nodejs npm)
fi
# The web end-to-end tests (tests/web) drive Debian's chromium through Playwright (never `playwright install`).
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi
