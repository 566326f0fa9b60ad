# The Fulcrum operator image. Build from the repository root:
#   docker build -t registry.example/fulcrum:0.1.0 .
# Two stages: the first compiles TypeScript with every dev dependency, the second holds only the compiled
# code and production dependencies, and runs as a fixed non-root UID (the Deployment's runAsNonRoot needs
# a numeric user to verify).
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# The `node` dev dependency pins Node.js for developers; the image already has Node.js 24.
RUN npm ci --no-audit --no-fund --omit=optional
COPY tsconfig.json ./
COPY src ./src
COPY test ./test
COPY bench ./bench
RUN npx tsc -p tsconfig.json && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# package.json is read at run time for the version (src/version.ts).
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist/src ./dist/src
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["node", "/app/dist/src/cli/main.js"]
CMD ["run"]
