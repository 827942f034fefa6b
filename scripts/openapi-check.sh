#!/usr/bin/env bash
# CI: the OpenAPI document the app serves is valid and usable.
#  1. builds it in-process (scripts/openapi-dump.ts: the app on an in-memory PGlite, GET /api/openapi.json);
#  2. lints it with Redocly (redocly.yaml: the recommended rules, the API's promises as errors);
#  3. generates TypeScript types with openapi-typescript and type-checks a small typed client
#     (scripts/openapi-client/client.ts) against them with the repo's tsc.
# openapi-typescript 7 needs TypeScript 5's compiler API (peer typescript ^5) while the repo builds
# with TypeScript 7, so it is not a devDependency: a pinned version runs through npx (cached after
# the first run), unless node_modules has one.
set -euo pipefail
cd "$(dirname "$0")/.."
OPENAPI_TYPESCRIPT="openapi-typescript@7.13.0"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
start=$SECONDS

npx tsx scripts/openapi-dump.ts "$OUT/openapi.json"
echo "openapi: document built ($(node -e 'const d=require(process.argv[1]);let n=0;for(const p of Object.values(d.paths))n+=Object.keys(p).length;console.log(n)' "$OUT/openapi.json") operations, $((SECONDS - start)) s)"

npx redocly lint --config redocly.yaml --format=stylish "$OUT/openapi.json" 2>&1 | grep -v -e '^\s*$' -e '║' -e '╔' -e '╚'
echo "openapi: lint passed ($((SECONDS - start)) s)"

if [ -x node_modules/.bin/openapi-typescript ]; then
  node_modules/.bin/openapi-typescript "$OUT/openapi.json" -o scripts/openapi-client/kameng-api.d.ts
else
  npx --yes "$OPENAPI_TYPESCRIPT" "$OUT/openapi.json" -o scripts/openapi-client/kameng-api.d.ts
fi
npx tsc -p scripts/openapi-client/tsconfig.json
echo "openapi: typed client checks against the generated types ($((SECONDS - start)) s)"
