#!/bin/sh
# Builds Baton's production tree into OUT_DIR: compiles the sources (their dev
# dependencies must be installed: `npm ci` first), copies what the running app
# reads, and installs the production dependencies only (`npm ci --omit=dev`).
# The Dockerfile runs exactly this; test/deploy/build-production.test.ts runs it
# into a temporary folder and starts the result. Start the tree with
# `node dist/src/main.js` from OUT_DIR.
set -eu
out=${1:?usage: scripts/build-production.sh OUT_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
npm run build
mkdir -p "$out"
rm -rf "$out/dist" "$out/templates" "$out/node_modules"
cp -R dist templates app.yml package.json package-lock.json LICENSE "$out/"
cd "$out"
npm ci --omit=dev --ignore-scripts --no-audit --no-fund
