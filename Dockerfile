# One image for the four services and the integration tester; each docker-compose service picks its
# program with `command`, e.g. `docker run metrics dist/assessor/src/main.js`.
#
#   docker build -t metrics .
#   docker run --init -p 8080:8080 -e KAFKA_BROKERS=host:9092 metrics          # the receiver
#
# Build stage: the full dependency tree (tsc is a dev dependency), compile, then drop dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so a source change does not reinstall them. Every install script in the lock file
# belongs to a dev-only tool (swc, testcontainers' ssh2) that the tsc build does not need.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build \
  && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
  && mkdir -p /out/tester \
  && cp -r dist node_modules package.json /out/ \
  && if [ -d tester/resources ]; then cp -r tester/resources /out/tester/; fi

# Runtime stage: compiled JavaScript and production dependencies only, run as the unprivileged `node`
# user. The files stay owned by root, so the process cannot change its own code.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /out/ ./
# Receiver, assessor, processor status, saver status (the config defaults).
EXPOSE 8080 8081 8082 8083
# The one folder the services write: the assessor's state (the admin token its first start generates,
# mode 0600); docker-compose keeps it on a volume.
RUN mkdir -p /var/lib/metrics && chown node:node /var/lib/metrics
ENV METRICS_STATE_DIR=/var/lib/metrics
USER node
# Signals: run with an init (`docker run --init`, `init: true` in compose) so SIGTERM reaches node and
# zombies are reaped; the services stop gracefully within SHUTDOWN_TIMEOUT_MS (15 s by default).
ENTRYPOINT ["node"]
CMD ["dist/receiver/src/main.js"]
