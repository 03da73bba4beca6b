# One image, two roles: the gateway (default) and the worker (`command: node dist/worker/src/main.js`).
# Only runtime code goes in: the sources the production build compiles (tsconfig.build.json) and
# the production dependencies. Tests, fakes, benches and test models never reach the image.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# hnswlib-node and better-sqlite3 compile with node-gyp
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY gateway/src ./gateway/src
COPY worker/src ./worker/src
COPY libs/contracts/src ./libs/contracts/src
COPY libs/config/src ./libs/config/src
COPY libs/http/src ./libs/http/src
COPY libs/inference/src ./libs/inference/src
COPY libs/tracing/src ./libs/tracing/src
COPY ui ./ui
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
# DATA_DIR (./data): the embedded SQLite file and RAG collections; mount a volume here to keep them.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080 8000
CMD ["node", "dist/gateway/src/main.js"]
