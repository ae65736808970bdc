# syntax=docker/dockerfile:1
# ComtradeBench OpenEnv server. Build: docker build -t comtradebench .   Run: docker run -p 8000:8000 comtradebench
# (scripts/ci-server-smoke.sh performs the same build and start commands on a checkout.)

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
# Public (Space) defaults: per-client caps on, and the client read from X-Forwarded-For behind the Space's
# proxies, which are on private addresses (README, Security and limits). Override with docker run -e.
ENV NODE_ENV=production \
    PORT=8000 \
    HOST=0.0.0.0 \
    ENABLE_WEB_INTERFACE=true \
    MAX_EPISODES_PER_CLIENT=8 \
    MAX_RESETS_PER_MINUTE=60 \
    TRUST_PROXY=loopback,linklocal,uniquelocal
WORKDIR /app
COPY package.json package-lock.json README.md openenv.yaml ./
COPY tasks ./tasks
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The leaderboard's file (LEADERBOARD_PATH, default data/leaderboard.jsonl under /app). On a Hugging Face
# Space with persistent storage, set LEADERBOARD_PATH=/data/leaderboard.jsonl to keep it across restarts.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://localhost:8000/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# A larger young generation lets an episode's rows die young instead of being promoted (see docs/performance.md).
CMD ["node", "--max-semi-space-size=64", "dist/src/server/main.js"]
