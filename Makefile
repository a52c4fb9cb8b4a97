# The two commands a new user needs:  make run  (the whole stack)  and  make test  (every test).
SHELL := /bin/bash
.DEFAULT_GOAL := help
NPM ?= npm
ARGS ?=

.PHONY: help install build lint unit integration test test_run run stop infra-up infra-down infra-cluster-up infra-cluster-down fault fault-cluster bench bench-dashboard bench-stream bench-logs bench-delivery simulate agent token clean

help: ## list the targets
	@grep -E '^[a-z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

node_modules/.package-lock.json: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund

install: node_modules/.package-lock.json ## install npm dependencies (npm ci) when package files changed

build: install ## compile TypeScript into dist/, and the dashboard into dist/dashboard (Vite)
	$(NPM) run --silent build

lint: install ## ESLint, Prettier (format check) and the tsc type check
	$(NPM) run --silent lint

infra-up: ## start what is missing of Kafka (local KRaft broker), PostgreSQL, Redis and Alertmanager
	infra/services.sh up
	infra/kafka.sh start
	infra/alertmanager.sh start

infra-down: ## stop the Kafka broker and Alertmanager, and PostgreSQL/Redis only if infra-up started them
	infra/alertmanager.sh stop
	infra/kafka.sh stop
	infra/services.sh down

infra-cluster-up: ## start what is missing of PostgreSQL, a 3-broker Kafka (KRaft, 127.0.0.1:19092-19094) and a Redis Cluster (3 masters, 3 replicas, 127.0.0.1:7001-7006)
	infra/services.sh up
	KAFKA_LOCAL_NODES=3 infra/kafka.sh start
	infra/redis-cluster.sh start
	@echo "KAFKA_BROKERS=$$(KAFKA_LOCAL_NODES=3 infra/kafka.sh brokers) REDIS_CLUSTER_NODES=$$(infra/redis-cluster.sh nodes)"

infra-cluster-down: ## stop the 3-broker Kafka and the Redis Cluster (PostgreSQL is left to infra-down)
	KAFKA_LOCAL_NODES=3 infra/kafka.sh stop
	infra/redis-cluster.sh stop

run: build ## infrastructure up, build, then the five services in the foreground (Ctrl-C stops them)
	METRICS_STARTED_BY=run $(MAKE) --no-print-directory infra-up
	infra/run-stack.sh

stop: ## stop everything `make run` started, and nothing else
	infra/run-stack.sh stop
	METRICS_STOP_ONLY_STARTED_BY=run $(MAKE) --no-print-directory infra-down

unit: install ## unit tests only (no infrastructure needed)
	npx jest --selectProjects unit

integration: build infra-up ## integration tests against real Kafka, PostgreSQL and Redis
	npx jest --selectProjects integration --runInBand

test: lint build infra-up infra-cluster-up ## lint, unit and integration tests, both fault-injection forms short (brings infrastructure up as needed)
	FAULT_CLUSTER=1 FAULT_DURATION_S=40 npx jest --selectProjects integration --runInBand --ci --forceExit test/fault/fault-injection
	npx jest --runInBand --ci --forceExit

fault: build infra-up ## the fault-injection suite in its long form (FAULT_DURATION_S=180; FAULT_SEED=n replays a run)
	FAULT_DURATION_S=$${FAULT_DURATION_S:-180} npx jest --selectProjects integration --runInBand --ci test/fault

fault-cluster: build infra-up ## the fault suite on a 3-broker Kafka and a Redis Cluster, started here (FAULT_DURATION_S=180; FAULT_SEED=n)
	KAFKA_LOCAL_NODES=3 infra/kafka.sh start
	infra/redis-cluster.sh start
	FAULT_CLUSTER=1 FAULT_DURATION_S=$${FAULT_DURATION_S:-180} npx jest --selectProjects integration --runInBand --ci test/fault/fault-injection

test_run: build ## the integration tester against a running stack (ARGS="-t full,batch" selects tests)
	node dist/tester/src/cli.js $(ARGS)

bench: build infra-up infra-cluster-up ## throughput and latency on this machine; reports in bench/reports/ (latest.md, dashboard, stream, logs, delivery; BENCH_QUICK=1: a smoke run into .run/bench/)
	node dist/bench/src/bench.js
	node dist/bench/src/dashboard-bench.js
	node dist/bench/src/stream-bench.js
	node dist/bench/src/logs-bench.js
	node dist/bench/src/delivery-bench.js

bench-stream: build infra-up ## the live stream: 100 open streams at 5,000 readings/s, stream latency p99 and the assessor's memory; report in bench/reports/stream.md
	node dist/bench/src/stream-bench.js

bench-logs: build infra-up ## log lines: receiver alone, end to end (target 20,000 lines/s stored), the saver's statement without Kafka, word search over 1,000,000 lines; report in bench/reports/logs.md
	node dist/bench/src/logs-bench.js

bench-delivery: build infra-up infra-cluster-up ## end to end with client ids vs without, the 3-broker cluster vs one broker, the dedup window's Redis memory; report in bench/reports/delivery.md
	node dist/bench/src/delivery-bench.js

bench-dashboard: build infra-up ## the dashboard in Chromium: first load, 30-day chart, statistics request, JS size; report in bench/reports/dashboard.md
	node dist/bench/src/dashboard-bench.js

simulate: build ## sensors posting to a running receiver (ARGS="--rate 5000 --duration 30 --mode batch"; --help lists options)
	node dist/bench/src/simulator.js $(ARGS)

agent: build ## the host agent against the local stack: this host's metrics every 10 s, and AGENT_LOG_FILES (e.g. AGENT_LOG_FILES=/var/log/syslog make agent)
	node dist/agent/src/main.js

token: build ## create an access token (ARGS="--name ops --role operator"; --sensors 'site-7-*' for a sensor token; --list; --revoke NAME)
	@node dist/shared/src/auth/token-cli.js $(ARGS)

clean: ## remove build output
	rm -rf dist coverage
