# syntax=docker/dockerfile:1
# Kameng in production: `docker build -t kameng .` or `docker compose up -d` (compose.yaml, with PostgreSQL).
# Stage 1 builds with the dev dependencies (esbuild, vite, react); stage 2 is what runs: the
# production dependencies (`npm ci --omit=dev`), the server bundle (dist/) and the built web app
# (web/dist/), as the unprivileged `node` user. The same steps run outside Docker in
# scripts/prod-smoke.sh (CI), which is how they are tested.
ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# The web app imports a few types and the rule defaults from src/, so the build needs both.
COPY tsconfig.json ./
COPY src ./src
COPY web ./web
COPY scripts/build-server.mjs ./scripts/
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    KAMENG_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
# /data: PGlite's folder when DATABASE_URL is unset, evidence files unless KAMENG_S3_BUCKET is set.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Ready = the database answers and every migration is applied (the server migrates at start).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The server closes gracefully on SIGTERM (in-flight requests, scheduler, database) within
# KAMENG_SHUTDOWN_TIMEOUT_MS (4 s), inside Docker's default 10 s stop timeout.
STOPSIGNAL SIGTERM
# The heap flags are the ones of `npm run start:prod` (README, "Memory"): a young generation of 2 × 8 MB
# and an old generation allowed to grow 1.5× its live size between collections keep the server's
# resident memory ~50 MB lower at the same throughput; one V8 helper thread instead of four keeps
# one malloc arena of compiler and GC scratch memory instead of four (~30 MB).
CMD ["node", "--max-semi-space-size=8", "--heap-growing-percent=50", "--v8-pool-size=1", "--enable-source-maps", "dist/main.js"]
