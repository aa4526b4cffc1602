#!/usr/bin/env bash
# Installs the browser test's npm packages (playwright-core, pinned by package-lock.json) into the
# directory this script was copied to (router-cli/target/browser), once per clean build. The browser is
# Debian's chromium (scripts/ensure-debian-packages), never a downloaded one.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f node_modules/playwright-core/package.json ] || ! cmp -s package-lock.json node_modules/.installed-lock.json; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.installed-lock.json
fi
