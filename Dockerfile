# The app image used by docker-compose.yml.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src src
COPY migrations migrations
COPY bench bench
COPY scripts scripts
RUN npm run build && npm prune --omit=dev

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
# The server listens on 127.0.0.1 by default; in a container that would be unreachable from outside it.
ENV HOST=0.0.0.0
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# The live board's page and modules, served at / (the server looks for web/ above dist/).
COPY web web
# The PDFs' fonts, with their licences (the server looks for fonts/ above dist/ too).
COPY fonts fonts
# The shipped import mappings, for the watched folder and uploads (found above dist/ as web/ is).
COPY mappings mappings
# DATA_DIR, owned by the user the app runs as (docker-compose.yml mounts a volume there).
RUN mkdir -p /app/data && chown node:node /app/data && chmod 700 /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=6 CMD node -e "fetch('http://127.0.0.1:3000/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
