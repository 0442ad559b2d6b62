# Haulproof server (and the simulated station, which runs from the same image).
# Build: docker build -t haulproof .      Run: see docker-compose.yml
FROM node:20-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    CHECKPOINT_DISABLE=1

# Dependencies first, so a code-only change reuses this layer. Every workspace's
# package.json must be present for npm ci; the postinstall hook generates the
# Prisma client and needs the schema and its script.
COPY package.json package-lock.json .npmrc ./
COPY contracts/package.json contracts/
COPY hardware/package.json hardware/
COPY server/package.json server/
COPY station-agent/package.json station-agent/
COPY console/package.json console/
COPY scripts/prisma-generate.mjs scripts/
COPY prisma/ prisma/
COPY prisma.config.ts ./
# devDependencies too: the server runs TypeScript through tsx.
RUN npm ci --include=dev && npm cache clean --force

COPY . .
# Regenerate so the client always matches the schema that was copied in.
RUN node scripts/prisma-generate.mjs \
 && mkdir -p /data && chown node:node /data

USER node
ENV HOST=0.0.0.0 \
    PORT=8080 \
    HAULPROOF_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
# No HEALTHCHECK here: the station runs from this image too. docker-compose.yml
# probes the server's /ready.
CMD ["npx", "tsx", "server/src/main.ts"]
