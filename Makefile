# The bridge's entry points. `make test` and `make demo` install and start everything they need
# (scripts/bootstrap, then scripts/services up); services and their data live under .bridge/.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
# Prerequisites run in the order written (services before the build, which needs the headers
# that bootstrap installs); swift build parallelises on its own.
.NOTPARALLEL:

SWIFT ?= swift

# A checkout whose services run on other ports (BRIDGE_PG_PORT, BRIDGE_REDIS_PORT,
# BRIDGE_BROKER_PORT for scripts/services, e.g. a second clone beside the first) gives the
# bridge and the tests the matching addresses, unless they are set already.
ifdef BRIDGE_PG_PORT
export BRIDGE_POSTGRES_URL ?= postgres://bridge:bridge@127.0.0.1:$(BRIDGE_PG_PORT)/bridge
endif
ifdef BRIDGE_REDIS_PORT
export BRIDGE_REDIS_URL ?= redis://127.0.0.1:$(BRIDGE_REDIS_PORT)/0
endif
ifdef BRIDGE_BROKER_PORT
export BRIDGE_KAFKA_BROKERS ?= 127.0.0.1:$(BRIDGE_BROKER_PORT)
endif


.PHONY: help bootstrap services build build-release unit test demo bench down status clean-data

help: ## list the targets
	@echo "usage: make <target>"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "  %-14s %s\n", $$1, $$2 }'

bootstrap: ## install what is missing (Debian packages, .bridge/venv with the broker and librdkafka 2.16)
	scripts/bootstrap

services: bootstrap ## bootstrap, then start PostgreSQL :15432, Redis :16379, the broker :19092 and the Redis Cluster :17000-17005
	scripts/services up

status: ## show which services are up
	scripts/services status

build: ## swift build (debug)
	$(SWIFT) build -c debug

build-release: ## swift build (release)
	$(SWIFT) build -c release

# The unit tests are the test targets named *UnitTests (Package.swift): in process, no
# service, no child process. The filter matches their test ids (<target>.<suite>/<test>).
UNIT_TESTS := ^[A-Za-z]+UnitTests\.
# `make unit` points every service address at a closed port, so a unit test that reached for
# a service fails here instead of passing against services that happen to be running.
NO_SERVICES := BRIDGE_POSTGRES_URL=postgres://bridge:bridge@127.0.0.1:1/bridge \
	BRIDGE_REDIS_URL=redis://127.0.0.1:1/0 BRIDGE_KAFKA_BROKERS=127.0.0.1:1 BRIDGE_CLUSTER_PORT=1

unit: bootstrap ## build and run the unit tests only, with no service (about 15 s once built)
	$(SWIFT) build --build-tests
	$(NO_SERVICES) $(SWIFT) test --skip-build --filter '$(UNIT_TESTS)'

# The unit tests run first, before the services start (on a fresh machine or in CI they are
# not running yet), then every other test against the services; nothing runs twice.
# PGGSSENCMODE=disable: libpq otherwise initialises Kerberos for each connection, and a test
# that drops its database from a detached task at exit can then trip krb5's mutex assertion
# while the process is tearing down (seen once: every test passed, the run aborted).
test: unit services ## the unit tests with no service, then start the services and run the integration tests
	PGGSSENCMODE=disable $(SWIFT) test --skip '$(UNIT_TESTS)'

demo: services build-release ## start the services and tell the whole story (bridge demo)
	.build/release/bridge demo

bench: services build-release ## the path benchmarks (bridge bench paths), table written into docs/benchmarks.md (~15-20 min)
	.build/release/bridge bench paths --write-docs

down: ## stop the services (data is kept)
	scripts/services down

clean-data: ## stop the services and delete their data and logs (keeps .bridge/venv)
	scripts/services clean
