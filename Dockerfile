FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The web console is an npm workspace: npm ci needs its package.json to install it.
COPY web/package.json ./web/package.json
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
# The V8 heap flags of `npm start` (package.json; src/engine-start.spec.ts keeps the two the same).
CMD ["node", "--max-old-space-size=320", "--max-semi-space-size=32", "dist/src/main.js"]
