#!/bin/sh
# Installs the players the browser player tests run (package-lock.json pins them) into $1, normally
# nommer-server/target/players, so that `mvn clean` removes them. Run by the Maven build in process-test-resources,
# which skips it under -DskipTests or -Dmaven.test.skip (the dashboard, src/main/dashboard, is built with npm anyway).
#
# Without npm the tests skip on a developer machine and fail in CI (CI=true), like those that need ffmpeg.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dest=$1

if ! command -v npm >/dev/null 2>&1; then
  if [ "${CI:-}" = "true" ]; then
    echo "players: npm is missing (Debian: apt-get install nodejs npm); CI=true, so the build fails" >&2
    exit 1
  fi
  echo "players: npm not found; the browser player tests will be skipped"
  exit 0
fi

mkdir -p "$dest"
stamp="$dest/node_modules/.installed-from-package-lock.json"
# why: npm ci deletes and rewrites node_modules (about 250 MB) every time; skip it while the pins are those of the
# last install that completed (npm ci removes the stamp with the rest of node_modules when it starts over)
if cmp -s "$here/package-lock.json" "$stamp" && cmp -s "$here/package.json" "$dest/package.json"; then
  echo "players: up to date in $dest"
  exit 0
fi
cp "$here/package.json" "$here/package-lock.json" "$dest/"
cd "$dest"
npm ci --no-audit --no-fund
cp package-lock.json "$stamp"
