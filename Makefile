# event-lake. `make help` lists the targets. ENV=test|sandbox|local (default test).
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

ENV ?= test
ENVS := test sandbox local
STACK_DIR := cdktf.out/stacks/$(ENV)
# Seconds before an apply against moto is stopped: moto's gaps look like hangs, not errors.
LOCAL_APPLY_TIMEOUT ?= 900
# Seconds before any other terraform apply/plan is stopped.
TF_TIMEOUT ?= 3600
# How long a plan or apply waits for another's state lock before it fails ("Error acquiring the state lock").
TF_LOCK_TIMEOUT ?= 10m
# PLAN_LOCK=false: plan without taking the lock (CI's read-only plans; a saved plan is still refused at apply if the
# state changed since, "Saved plan is stale"). See docs/delivery.md.
PLAN_LOCK ?= true

export CHECKPOINT_DISABLE := 1
# Terraform always runs with the CLI config this project generates (see `make tfrc`), never with whatever
# TF_CLI_CONFIG_FILE the machine had.
export TF_CLI_CONFIG_FILE := $(CURDIR)/.eventlake/terraform.rc
# A provider filesystem mirror: a path, or `none`. Unset: found in the usual places if there is one.
export TF_PROVIDER_MIRROR

BIN := node_modules/.bin
CLI := node dist/cli.cjs
# The SDK warns that its 2027 releases need Node 22 (Lambda already runs 22); said once in the README instead.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED := true
SOURCES := $(shell find main.ts src modules -name '*.ts' -not -name '*.test.ts' 2>/dev/null)
ESBUILD_APP := --bundle --platform=node --target=node20 --format=cjs --packages=external --log-level=warning

ifeq ($(filter $(ENV),$(ENVS)),)
$(error ENV must be one of: $(ENVS) (got "$(ENV)"))
endif

# $(call need,COMMAND,what to install)
need = command -v $(1) >/dev/null 2>&1 || { echo "$(1) not found: $(2)" >&2; exit 127; }
NEED_NODE = $(call need,node,install Node.js 20 or 22 (https://nodejs.org))
NEED_TF = $(call need,terraform,install Terraform 1.11 (https://developer.hashicorp.com/terraform/install))
NEED_MOTO = $(call need,python3,install Python 3.11) && $(call need,moto_server,pip install 'moto[server]==5.2.1')

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_\/-]+:.*## / {printf "  \033[36m%-17s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "  ENV=test|sandbox|local (default test), e.g. make tf/plan ENV=sandbox"

## ---- build

.PHONY: install
install: node_modules/.installed ## Install the pinned toolchain from the lock file (npm install)

# `npm install`, not `npm ci`: the registry here lacks some other platforms' optional binaries (biome, duckdb for
# darwin/win32), which npm leaves out of the lock file and `npm ci` then refuses. With the lock present,
# `npm install` installs exactly the locked versions and leaves the lock alone.
node_modules/.installed: package.json package-lock.json
	@$(NEED_NODE)
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: build
build: install dist/main.cjs dist/cli.cjs handlers ## Compile the app, the CLI and the handlers (esbuild; no type-checking runner on the synth path)

# src/sql and src/core: the orchestrator's declared tables are computed from them at build time (handlers/build.ts).
HANDLER_SOURCES := $(shell find handlers src/pipelines src/core src/sql -name '*.ts' -not -name '*.test.ts' 2>/dev/null)

.PHONY: handlers
handlers: dist/handlers/manifest.json ## Bundle the Lambda handlers and the DuckDB layer (deterministic zips)

dist/handlers/manifest.json: $(HANDLER_SOURCES) package-lock.json node_modules/.installed
	@node --import tsx handlers/build.ts --out dist/handlers

dist/main.cjs: $(SOURCES) node_modules/.installed
	@$(BIN)/esbuild main.ts $(ESBUILD_APP) --outfile=$@

dist/cli.cjs: $(SOURCES) node_modules/.installed
	@$(BIN)/esbuild src/cli/main.ts $(ESBUILD_APP) --outfile=$@

.PHONY: synth
synth: build ## Synthesize every stack into cdktf.out/
	@node dist/main.cjs
	@echo "synthesized: $$(ls cdktf.out/stacks | tr '\n' ' ')"

.PHONY: tfrc
tfrc: build ## Write the Terraform CLI config (provider mirror, if any) to .eventlake/terraform.rc
	@$(CLI) tfrc

.PHONY: validate
validate: synth ## terraform init -backend=false + validate on every stack (providers from the mirror)
	@$(NEED_TF)
	@$(CLI) validate

## ---- terraform, one environment at a time

.PHONY: tf/init
tf/init: synth ## terraform init for ENV (checks credentials first)
	@$(NEED_TF)
	@$(CLI) preflight $(ENV)
	@# local: the backend is a path under the local state dir, which may change (EVENT_LAKE_LOCAL_STATE_DIR); follow it.
	@$(CLI) tf $(ENV) -- init -input=false $(if $(filter local,$(ENV)),-reconfigure)

.PHONY: tf/plan
tf/plan: tf/init ## Plan ENV into cdktf.out/stacks/ENV/tfplan, then the plan guard
	@$(CLI) tf $(ENV) --timeout $(if $(filter local,$(ENV)),$(LOCAL_APPLY_TIMEOUT),$(TF_TIMEOUT)) -- plan -input=false -lock=$(PLAN_LOCK) -lock-timeout=$(TF_LOCK_TIMEOUT) -out=tfplan
	@$(MAKE) guard ENV=$(ENV)
	@echo "plan saved; apply exactly this plan with: make tf/apply ENV=$(ENV)"

.PHONY: tf/apply
tf/apply: ## Apply the plan tf/plan saved for ENV (never a fresh one)
	@$(NEED_TF)
	@test -f $(STACK_DIR)/tfplan || { echo "no saved plan for ENV=$(ENV): run make tf/plan ENV=$(ENV) first" >&2; exit 2; }
	@$(MAKE) guard ENV=$(ENV) GUARD=enforce
	@$(CLI) tf $(ENV) --timeout $(if $(filter local,$(ENV)),$(LOCAL_APPLY_TIMEOUT),$(TF_TIMEOUT)) -- apply -input=false -lock-timeout=$(TF_LOCK_TIMEOUT) tfplan
	@rm -f $(STACK_DIR)/tfplan

.PHONY: tf/destroy
tf/destroy: ## Destroy ENV (asks for confirmation; ENV=local is torn down with local/down)
	@$(NEED_TF)
	@if [ "$(ENV)" = local ]; then echo "ENV=local is torn down with make local/down (some moto deletes hang)" >&2; exit 2; fi
	@$(MAKE) tf/init ENV=$(ENV)
	@$(CLI) tf $(ENV) --interactive -- destroy

.PHONY: tf/bootstrap
tf/bootstrap: synth ## Create the shared state bucket and its role (local state in .eventlake/bootstrap)
	@$(NEED_TF)
	@$(CLI) tf bootstrap -- init -input=false
	@$(CLI) tf bootstrap --interactive -- apply

# GUARD=report prints what the guard would block without failing (the PR workflow fails after commenting).
GUARD ?= enforce

.PHONY: guard
guard: ## The plan guard on ENV's saved plan: no stateful resource destroyed or replaced unless allowed
	@test -f $(STACK_DIR)/tfplan || { echo "no saved plan for ENV=$(ENV): run make tf/plan ENV=$(ENV) first" >&2; exit 2; }
	@$(CLI) tf $(ENV) -- show -json tfplan > $(STACK_DIR)/plan.json
	@node --import tsx src/cli/guard.ts $(STACK_DIR)/plan.json --stack $(ENV) $(if $(filter report,$(GUARD)),|| echo "GUARD=report: not failing here")

.PHONY: diff
diff: build ## cdktf diff for ENV (a terraform plan, as on a pull request)
	@$(NEED_TF)
	@$(CLI) tfrc >/dev/null
	@$(CLI) preflight $(ENV)
	$(BIN)/cdktf diff $(ENV)

# Seconds each statement of warehouse/schema may run before it is cancelled and the run fails.
WAREHOUSE_STATEMENT_TIMEOUT ?= 300

.PHONY: warehouse/schema
warehouse/schema: install ## Create the curated external schema in ENV's Redshift: the SQL the applied stack outputs, via the Data API (idempotent)
	@# local: no warehouse (moto has no Redshift Serverless); the command says so without touching Terraform.
	@$(if $(filter local,$(ENV)),,$(MAKE) tf/init ENV=$(ENV))
	@node --import tsx src/cli/warehouse-schema.ts $(ENV) --timeout $(WAREHOUSE_STATEMENT_TIMEOUT)

.PHONY: curated/redo
curated/redo: install ## Transform curated dates again (e.g. after a transform change): PIPELINE=orders DATES='2026-11-01 2026-11-02' or FROM= TO=
	@$(if $(PIPELINE),,$(error PIPELINE is not set: make curated/redo ENV=$(ENV) PIPELINE=orders DATES='2026-11-01' (or FROM=2026-11-01 TO=2026-11-30)))
	@$(if $(filter local,$(ENV)),,$(MAKE) tf/init ENV=$(ENV))
	@node --import tsx src/cli/curated-redo.ts $(ENV) $(PIPELINE) $(DATES) $(if $(FROM),--from $(FROM)) $(if $(TO),--to $(TO)) $(if $(filter 1 true,$(NO_CRAWL)),--no-crawl)

## ---- local AWS (moto on 127.0.0.1)

.PHONY: local
local: local/up ## The lake on this machine: moto up, plan + apply (skipped when nothing changed since the last apply to this moto), the pipelines, a summary
	@echo "==> [1/3] synthesize the local stack"
	@node dist/main.cjs --only local
	@# The fast path (src/local/fast-path.ts): same stack, same handler zips, same moto, same state as the last
	@# apply recorded => no plan, no apply. FORCE_APPLY=1 plans and applies anyway.
	@if [ -z "$(filter 1 true,$(FORCE_APPLY))" ] && why=$$($(CLI) local applied check); then \
	  echo "==> [2/3] no change since the last apply to this moto: plan and apply skipped"; \
	  terraform=skipped; \
	else \
	  why=$${why:-FORCE_APPLY=1}; \
	  echo "==> [2/3] plan and apply to moto ($$why; bounded by LOCAL_APPLY_TIMEOUT=$(LOCAL_APPLY_TIMEOUT) s)"; \
	  $(CLI) local applied forget; \
	  $(MAKE) tf/plan ENV=local; \
	  $(MAKE) tf/apply ENV=local; \
	  $(CLI) local applied record; \
	  terraform=applied; \
	fi; \
	echo "==> [3/3] run the pipelines"; \
	$(CLI) local run --terraform $$terraform --why "$${why:-}" $(CURATE_TODAY_FLAG)

# CURATE_TODAY=1: curate today's (UTC) ingest date now; by default a date is curated once it has ended, as in AWS.
CURATE_TODAY_FLAG = $(if $(filter 1 true,$(CURATE_TODAY)),--curate-today)

.PHONY: local/run
local/run: build ## Process pending events on the applied local lake (e.g. after dropping your own file): no synth, no plan, no apply
	@$(CLI) local run --terraform none $(CURATE_TODAY_FLAG)

.PHONY: local/drop-bucket
local/drop-bucket: build ## Print the local drop bucket's name (make -s local/drop-bucket)
	@$(CLI) local drop-bucket

.PHONY: local/env
local/env: build ## Shell settings for the AWS CLI against local moto, and DROP_BUCKET: eval "$(make -s local/env)"
	@$(CLI) local env

.PHONY: local/drop
local/drop: build ## Upload your own file as aws s3 cp would: make local/drop FILE=my.csv PIPELINE=orders [DATE=YYYY-MM-DD]
	@$(CLI) local drop "$(FILE)" "$(PIPELINE)" $(DATE)

.PHONY: local/query
local/query: build ## Any SQL over the local curated zone (DuckDB), e.g. make local/query SQL='SELECT * FROM orders'
	@$(CLI) local query "$(SQL)"

.PHONY: local/up
local/up: build ## Start moto on a free loopback port (recorded in .eventlake/local)
	@$(NEED_MOTO)
	@$(CLI) local up

.PHONY: local/down
local/down: build ## Stop exactly that moto and delete the local state
	@$(CLI) local down

## ---- quality

.PHONY: test
test: lint build ## Lint, type-check, then every test: unit, terraform validate, apply to moto
	@$(NEED_TF)
	@$(NEED_MOTO)
	@mkdir -p .eventlake
	@rm -f .eventlake/vitest.json
	@rc=0; $(BIN)/vitest run --reporter=default --reporter=json --outputFile.json=.eventlake/vitest.json || rc=$$?; \
	  $(CLI) test-summary .eventlake/vitest.json || exit 1; exit $$rc

.PHONY: lint
lint: install ## Biome (lint + format check) and tsc --noEmit
	$(BIN)/biome check .
	$(BIN)/tsc --noEmit -p tsconfig.json

.PHONY: fmt
fmt: install ## Format and apply safe lint fixes
	$(BIN)/biome check --write .

.PHONY: diagram
diagram: install handlers ## Redraw docs/architecture.svg from the synthesized test stack (Graphviz as wasm)
	@node --import tsx src/cli/diagram.ts

.PHONY: resources
resources: install handlers ## Regenerate docs/resources.md: which module creates which Terraform resource type
	@node --import tsx src/cli/resources.ts

.PHONY: wasm
wasm: install ## Reassemble handlers/drop-to-raw/wasm/lines.bytes.ts from lines.wat (the pre-pass's numbering loop; wabt)
	@node --import tsx handlers/drop-to-raw/wasm/assemble.ts

.PHONY: baseline
baseline: install handlers ## Record new stateful resources in src/guard/baseline (removals need --accept-removals by hand)
	@node --import tsx src/cli/baseline.ts --update

.PHONY: policy
policy: synth ## The security rule pack over every synthesized stack
	@node --import tsx src/policy/cli.ts cdktf.out

.PHONY: bench
bench: build ## Every benchmark into docs/BENCHMARKS.md (BENCH_QUICK=1: one run each; BENCH_SKIP_LOCAL=1 / BENCH_SKIP_TERRAFORM=1 skip the slow ones)
	@node --import tsx bench/run-all.ts

.PHONY: bench/load
bench/load: build ## Load run: 500 files through the local runner on a fresh moto; files/s, latency percentiles, 0 lost
	@node --import tsx bench/load.ts

GB_PER_DAY ?= 1
FILES_PER_DAY ?= 1000
QUERIES_PER_DAY ?= 200
GB_SCANNED_PER_QUERY ?= 0.5

.PHONY: cost
cost: install ## Monthly cost per service at a volume, event-lake vs the seeds' design (GB_PER_DAY=, FILES_PER_DAY=, ...)
	@node --import tsx src/cost/cli.ts --gb-per-day $(GB_PER_DAY) --files-per-day $(FILES_PER_DAY) --queries-per-day $(QUERIES_PER_DAY) --gb-scanned-per-query $(GB_SCANNED_PER_QUERY)

.PHONY: clean
clean: ## Remove build output (not the running moto: use local/down)
	rm -rf dist cdktf.out .eventlake/terraform.rc
