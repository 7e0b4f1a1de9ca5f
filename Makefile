# Two commands set everything up on a fresh Debian machine (README.md):
#   make run    the demo store: simulate an hour and replay it with its accuracy report
#   make test   the whole test suite
# Each first installs the Debian packages the build needs (apt-get when root; otherwise it
# prints the exact command to run and stops).

SHELL := /bin/bash
SWIFT ?= swift
DEBIAN_PACKAGES := libbluetooth-dev libpcap-dev libsqlite3-dev pkg-config
DEMO_DIR := .build/demo
DEMO_HOURS ?= 1
DEMO_SHOPPERS ?= 300
DEMO_SEED ?= 1

.PHONY: run test bench build deps clean

deps:
	@missing=""; \
	for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "missing Debian packages:$$missing"; \
	    echo "run:  sudo apt-get update && sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi
	@command -v $(SWIFT) >/dev/null || { echo "swift is not on PATH: install Swift 6.1 or newer from swift.org and add its usr/bin to PATH"; exit 1; }

build: deps
	$(SWIFT) build --product footfall

# Until the daemon lands, `make run` simulates the demo store and replays it.
run: build
	@mkdir -p $(DEMO_DIR)
	$(SWIFT) run footfall simulate --store demo-store --hours $(DEMO_HOURS) \
	  --shoppers-per-hour $(DEMO_SHOPPERS) --seed $(DEMO_SEED) --out $(DEMO_DIR)/trace.csv
	$(SWIFT) run footfall replay $(DEMO_DIR)/trace.csv --store demo-store \
	  --truth $(DEMO_DIR)/trace.truth.csv --events $(DEMO_DIR)/events.jsonl --positions $(DEMO_DIR)/positions.csv

test: deps
	$(SWIFT) test

# Benchmarks (ordo-one/benchmark, release build); not part of `make test`.
bench: deps
	$(SWIFT) package --allow-writing-to-package-directory benchmark

clean:
	rm -rf .build
