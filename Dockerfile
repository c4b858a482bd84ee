# syntax=docker/dockerfile:1

# --- build: compile TypeScript with the dev dependencies, then drop them ---------------------
# Pinned to a full version, the one package.json's bundled Node.js has (a test checks), so that
# updates arrive as changes (Dependabot: .github/dependabot.yml).
FROM node:26.12.1-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied. --omit=optional: the
# optional dependencies are the Node.js binaries `npm start` uses on a machine without Node.js
# 26; they are built for glibc, the image is musl and has Node.js 26 of its own.
RUN npm ci --ignore-scripts --omit=optional
COPY tsconfig.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --omit=optional

# --- runtime: compiled JS and production dependencies only ------------------------------------
FROM node:26.12.1-alpine
# No V8 option here: the exporter sets its own memory options for its fleet size, as it does
# however it is started (src/node-options.ts; docs/performance.md has the figures). A young
# generation size given in NODE_OPTIONS with `docker run -e` is kept, and then it sets none.
ENV NODE_ENV=production \
    EXPORTER_PORT=9090
WORKDIR /app
# Files stay owned by root: the unprivileged `node` user (uid 1000) can read them, not change them.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The energy state file (docs/energy.md) lives on a volume, the one folder the exporter writes:
# the counters it adds up itself survive a new container. The folder is node's, so a named
# volume created from it is too.
# npm is not needed to run (the entrypoint and the HEALTHCHECK call node): removed, it brings
# no known vulnerabilities into the image and no tool an intruder could install with.
RUN mkdir -p /var/lib/ecoflow-exporter && chown node:node /var/lib/ecoflow-exporter \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/bin/npm /usr/local/bin/npx
ENV ENERGY_STATE_FILE=/var/lib/ecoflow-exporter/energy-state.json
VOLUME ["/var/lib/ecoflow-exporter"]
# OCI labels. The ARGs come after the last RUN: a new value changes the labels, no layer.
# VERSION: the release workflow passes the version of the git tag; the default is package.json's.
# SOURCE_URL: package.json names no repository, so a local build does not know it; the release
# workflow passes the repository it runs in. The default is a placeholder on a reserved domain
# (.invalid), which no one can own.
ARG VERSION=0.1.0
ARG SOURCE_URL=https://example.invalid/ecoflow-exporter
LABEL org.opencontainers.image.title="ecoflow-exporter" \
      org.opencontainers.image.description="EcoFlow IoT Open API to OpenTelemetry metrics: Prometheus /metrics and OTLP push" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="${SOURCE_URL}"
USER node
EXPOSE 9090
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "dist/src/healthcheck.js"]
# Exec form, no shell: node is PID 1 and receives SIGTERM itself (main.ts handles it; a PID 1
# has no default signal actions). Options go after the image name: docker run … --demo
ENTRYPOINT ["node", "dist/src/main.js"]
