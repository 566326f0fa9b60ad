# Fulcrum — every command a developer or CI needs. `make test` and `make demo` do all set-up themselves.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
# Node.js 24 comes from the `node` package in devDependencies: put it first so every script uses it.
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
JEST := node --experimental-vm-modules node_modules/jest/bin/jest.js
export FULCRUM_CLUSTER_DIR ?= /tmp/fulcrum-cluster
NODES ?= 10

.PHONY: help install build lint crds chart-docs install-yaml unit integration test image helm-build cluster-build node-build cluster-up cluster-smoke cluster-down demo demo-down bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

install: node_modules/.installed ## install npm dependencies (Node.js 24 included)
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

build: install ## compile TypeScript into dist/
	tsc -p tsconfig.json

lint: install ## type-check, eslint, import check (no cycle, folder table in .dependency-cruiser.mjs), prettier
	tsc -p tsconfig.json --noEmit
	eslint .
	depcruise --config .dependency-cruiser.mjs src test bench
	prettier --check .

crds: build ## regenerate crds/*.yaml from the zod schemas in src/api
	node dist/src/api/generate-crds.js
	# deploy/install.yaml holds the CRDs too: re-render it when helm is built (an install test checks it).
	if [[ -x "$$(test/cluster/build-helm.sh --print-path)" ]]; then $(MAKE) --no-print-directory install-yaml; fi

chart-docs: build ## regenerate the values table of charts/fulcrum/README.md (a unit test fails on drift)
	node dist/src/chart/generate-chart-docs.js

install-yaml: helm-build ## render deploy/install.yaml from the chart (an install test fails on drift)
	deploy/render-install.sh >deploy/install.yaml.tmp && mv deploy/install.yaml.tmp deploy/install.yaml

unit: install ## unit tests of the pure parts (no cluster)
	$(JEST) --selectProjects unit

cluster-build: ## build the real control plane from Go modules (cached in ~/.cache/fulcrum)
	test/cluster/build.sh

node-build: ## build the real test node (kubelet, containerd, ctr, shim; cached in ~/.cache/fulcrum/node)
	test/cluster/build-node.sh >/dev/null

image: install ## operator image from the Dockerfile with buildah, no registry (OCI archive; into the real node if up)
	deploy/image/build.sh

helm-build: ## build helm from its Go module for the chart tests (cached in ~/.cache/fulcrum/helm)
	test/cluster/build-helm.sh >/dev/null

cluster-up: cluster-build ## start etcd, kube-apiserver, controllers, kwok and metrics-server on loopback
	test/cluster/up.sh --nodes $(NODES)

cluster-smoke: ## check the control-plane tooling on a cluster of its own (~2.5 min)
	test/cluster/smoke.sh

cluster-down: ## stop the local control plane and remove its state
	test/cluster/down.sh

integration: build ## integration tests against the running local control plane (make cluster-up first)
	source $(FULCRUM_CLUSTER_DIR)/env && $(JEST) --selectProjects integration --runInBand

# The real node and the image need root (namespaces, cgroups, mounts; buildah); CI runs as root. REAL_NODE=0 skips them.
REAL_NODE ?= $(if $(filter 0,$(shell id -u)),1,0)
# The image is built by test/run-integration.sh beside the shards (it needs no cluster until its import).
REAL_NODE_STEPS := $(if $(filter 1,$(REAL_NODE)),node-build)

test: lint unit build cluster-build helm-build $(REAL_NODE_STEPS) ## everything: lint, unit tests, real control plane (+ a real node and the image as root), integration tests
	FULCRUM_REQUIRE_HELM=1 FULCRUM_REAL_NODE=$(REAL_NODE) test/run-integration.sh

demo: build cluster-build ## local cluster, CRDs, operator, examples: watch pools being balanced
	deploy/demo/demo.sh

demo-down: ## stop the demo's operator and cluster
	deploy/demo/down.sh

bench: build ## benchmarks; writes bench/REPORT.md
	node dist/bench/main.js all

clean: cluster-down ## remove build output
	rm -rf dist coverage
