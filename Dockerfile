# syntax=docker/dockerfile:1
# Baton's app image: Node 24, production dependencies only, not root.
# The base image is pinned by tag; pin it by digest where you build
# (`docker buildx imagetools inspect node:24-slim`), see docs/deploy.md.

FROM node:24-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The same script test/deploy/build-production.test.ts runs and starts.
RUN sh scripts/build-production.sh /out

FROM node:24-slim
ENV NODE_ENV=production \
    LOG_FORMAT=json \
    PORT=3000
WORKDIR /app
COPY --from=build /out /app
# The image's own `node` user (uid 1000); the files stay root's, read-only to it.
USER node
EXPOSE 3000
# Liveness only; readiness (GET /readyz) belongs to the orchestrator's probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM: stop taking webhooks, finish reconciles in flight, exit 0.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
