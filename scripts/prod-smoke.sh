#!/usr/bin/env bash
# The production install, outside Docker: builds (npm run build), copies what the Dockerfile's
# runtime stage copies (package*.json, dist/, web/dist/) into a scratch folder, installs with
# `npm ci --omit=dev` (no tsx, vite, react or typescript), then runs `npm run start:prod` there on
# PGlite (sandbox) and, when a PostgreSQL URL is given, on PostgreSQL in production mode: each must
# serve /api/health, /api/ready and the web app, and stop cleanly on SIGTERM within 5 s.
#   bash scripts/prod-smoke.sh [postgres://…]
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
PG_URL="${1:-}"
npm run build --silent
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
mkdir -p "$SCRATCH/web"
cp package.json package-lock.json "$SCRATCH/"
cp -r dist "$SCRATCH/dist"
cp -r web/dist "$SCRATCH/web/dist"
(cd "$SCRATCH" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
for dev in tsx vite react typescript vitest esbuild; do
  [ ! -e "$SCRATCH/node_modules/$dev" ] || { echo "prod-smoke: $dev was installed by npm ci --omit=dev" >&2; exit 1; }
done
echo "prod-smoke: $(ls "$SCRATCH/node_modules" | wc -l) runtime packages, $(du -sh "$SCRATCH/node_modules" | cut -f1)"

APP_DIR="$SCRATCH" KAMENG_SANDBOX=1 DATABASE_URL= bash "$REPO/scripts/shutdown-test.sh" SIGTERM npm run start:prod
if [ -n "$PG_URL" ]; then
  APP_DIR="$SCRATCH" KAMENG_SANDBOX=0 KAMENG_SECRET="prod-smoke-$(head -c 24 /dev/urandom | base64)" DATABASE_URL="$PG_URL" \
    bash "$REPO/scripts/shutdown-test.sh" SIGTERM npm run start:prod
fi
