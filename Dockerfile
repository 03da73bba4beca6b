# One image, two roles: the gateway (default) and the worker (`command: node dist/worker/src/main.js`).
FROM node:20-bookworm-slim AS build
WORKDIR /app
# hnswlib-node and better-sqlite3 compile with node-gyp
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY gateway ./gateway
COPY worker ./worker
COPY libs ./libs
COPY bench ./bench
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
