# syntax=docker/dockerfile:1
# Build stage: compile the application with the full toolchain.
FROM node:20.18.1-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Reproducible install from the lockfile; npm's cache stays in a cache mount.
RUN --mount=type=cache,target=/root/.npm npm ci
COPY src/ ./src/
RUN npm run build

# Runtime stage: only what the service needs, as an unprivileged user.
FROM node:20.18.1-bookworm-slim
LABEL org.opencontainers.image.authors="Platform Team <platform@example.com>"
ARG TINI_VERSION=0.19.0
ARG TINI_SHA256=93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c
# Fetch tini over HTTPS and verify it before use.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates=20230311 curl=7.88.1-10+deb12u8 \
 && curl -fsSLo /usr/local/bin/tini "https://github.com/krallin/tini/releases/download/v${TINI_VERSION}/tini-amd64" \
 && echo "${TINI_SHA256}  /usr/local/bin/tini" | sha256sum -c - \
 && chmod 0755 /usr/local/bin/tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build --chown=node:node /src/dist ./dist
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "dist/healthcheck.js"]
ENTRYPOINT ["/usr/local/bin/tini", "--"]
CMD ["node", "dist/server.js"]
