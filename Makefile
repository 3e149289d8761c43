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


.PHONY: help bootstrap services build build-release test demo bench down status clean-data

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

# PGGSSENCMODE=disable: libpq otherwise initialises Kerberos for each connection, and a test
# that drops its database from a detached task at exit can then trip krb5's mutex assertion
# while the process is tearing down (seen once: every test passed, the run aborted).
test: services ## start the services, build and run every test
	$(SWIFT) build --build-tests
	PGGSSENCMODE=disable $(SWIFT) test

demo: services build-release ## start the services and tell the whole story (bridge demo)
	.build/release/bridge demo

bench: services build-release ## the path benchmarks (bridge bench paths), table written into docs/benchmarks.md (~15-20 min)
	.build/release/bridge bench paths --write-docs

down: ## stop the services (data is kept)
	scripts/services down

clean-data: ## stop the services and delete their data and logs (keeps .bridge/venv)
	scripts/services clean
