#!/bin/sh
# Builds the web dashboard into the server's classes, so that the jar carries it: installs the toolkit and esbuild
# that package-lock.json pins into $1 (normally nommer-server/target/dashboard, so that `mvn clean` removes them),
# then bundles src/ into $2 (target/classes/io/nommer/server/dashboard). Run by the Maven build in generate-resources.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$1
out=$2

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "dashboard: building nommer needs Node.js and npm, to bundle the web dashboard into the jar" >&2
  echo "dashboard: install them (Debian/Ubuntu: apt-get install nodejs npm; others: https://nodejs.org) and build again" >&2
  exit 1
fi

mkdir -p "$work"
stamp="$work/node_modules/.installed-from-package-lock.json"
# why: npm ci deletes and rewrites node_modules every time; skip it while the pins are those of the last install that
# completed (npm ci removes the stamp with the rest of node_modules when it starts over)
if ! cmp -s "$here/package-lock.json" "$stamp" || ! cmp -s "$here/package.json" "$work/package.json"; then
  cp "$here/package.json" "$here/package-lock.json" "$work/"
  # why: --prefer-offline installs from the npm cache when it has the pinned versions, so a rebuild needs no network
  (cd "$work" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error)
  cp "$here/package-lock.json" "$stamp"
fi
node "$here/build.mjs" "$work/node_modules" "$out"
