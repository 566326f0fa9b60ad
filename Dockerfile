# The Fulcrum operator image. Build from the repository root:
#   docker build -t registry.example/fulcrum:0.1.0 .        (base node:24-bookworm-slim from a registry)
#   make image                                              (buildah, no registry: deploy/image/build.sh)
# BASE_IMAGE names any Debian-based image with Node.js 24 and npm on PATH; `make image` passes one it
# builds from Debian packages (deploy/image/base.sh). Two stages: the first compiles TypeScript with every
# dev dependency, the second holds only the compiled code and production dependencies, and runs as a
# fixed non-root UID (the Deployment's runAsNonRoot needs a numeric user to verify). Nothing in it writes
# to its own filesystem, so it runs with a read-only root filesystem.
ARG BASE_IMAGE=node:24-bookworm-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency runs code at install time (the `node` dev dependency's script would
# fetch a second Node.js; the base has Node.js 24, and tsc is run with it directly below).
RUN npm ci --no-audit --no-fund --omit=optional --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
COPY test ./test
COPY bench ./bench
RUN node node_modules/typescript/bin/tsc -p tsconfig.json \
  && npm prune --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
  && find node_modules -mindepth 1 -maxdepth 1 -type d -empty -delete

FROM ${BASE_IMAGE}
# Set by `make image` from package.json and git; the defaults keep a plain `docker build` working.
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="fulcrum" \
  org.opencontainers.image.description="Kubernetes operator: resource pools with safety ceilings, load-aware placement, rebalancing and fast failover" \
  org.opencontainers.image.version="${VERSION}" \
  org.opencontainers.image.revision="${REVISION}" \
  org.opencontainers.image.licenses="Apache-2.0"
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
