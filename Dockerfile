# syntax=docker/dockerfile:1.7
# The bluegreen worker image: `docker build -t bluegreen-worker .` (docker-compose.yml does it).
#
# Debian (glibc), not Alpine: the Temporal worker's native core ships prebuilt for glibc only.
# Stages: package (npm ci, then `npm pack`: the JavaScript, the prebuilt workflow bundle and the
# examples, the very tarball users install) → deps (production node_modules only, pinned by
# package-lock.json) → runtime (the tarball's files over those dependencies; non-root, no build
# tools, no TypeScript, no credentials).
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS package
WORKDIR /src
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund
COPY . .
# prepack runs `npm run build`: tsc → dist/, bundleWorkflowCode → dist/workflow-bundle.js
RUN npm pack --pack-destination /tmp && mv /tmp/bluegreen-dev-bluegreen-*.tgz /tmp/bluegreen.tgz

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# Memory (BENCHMARKS.md, section 6): with Node's default heap limit V8 lets garbage pile up to
# ~660 MiB RSS at 500 deployments at once; a 256 MiB old space keeps it under 400 at no cost in
# speed. The SDK sizes its workflow cache from that limit (to 32), so the cache is set here.
ENV NODE_ENV=production \
    BLUEGREEN_WORKER_MAX_CACHED_WORKFLOWS=800
WORKDIR /app
# Owned by root and read-only for the `node` user the worker runs as. The built worker loads the
# package's own dist/workflow-bundle.js.
COPY --from=deps /app/node_modules ./node_modules
RUN --mount=type=bind,from=package,source=/tmp/bluegreen.tgz,target=/tmp/bluegreen.tgz \
    tar -xzf /tmp/bluegreen.tgz --strip-components=1 --no-same-owner -C /app \
    && test -s dist/workflow-bundle.js && ln -s /app/bin/bluegreen.js /usr/local/bin/bluegreen

USER node
# Healthy while this container's worker polls its task queue (worker/healthcheck.ts).
HEALTHCHECK --interval=30s --timeout=15s --start-period=60s --retries=3 \
  CMD ["node", "/app/dist/worker/healthcheck.js"]
CMD ["node", "--max-old-space-size=256", "bin/bluegreen.js", "worker"]
