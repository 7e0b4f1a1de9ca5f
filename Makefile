# Two commands set everything up on a fresh Debian machine (README.md):
#   make run    the gateway daemon on the demo store (simulated shoppers, live map on :8080)
#   make test   the whole test suite
# Each first installs the Debian packages the build needs (apt-get when root; otherwise it
# prints the exact command to run and stops).

SHELL := /bin/bash
SWIFT ?= swift
DEBIAN_PACKAGES := libbluetooth-dev libpcap-dev libsqlite3-dev libmosquitto-dev pkg-config
# make test also packages the debug build and checks it (Tests/PackagingTests): dpkg-shlibdeps
# (dpkg-dev), strip and readelf (binutils), lintian, systemd-analyze (systemd); promtool
# (prometheus) checks the live /metrics; openssl makes the certificates of the TLS tests; the
# MQTT tests start a real broker (mosquitto) and record from it with mosquitto_sub
# (mosquitto-clients); gdb prints the threads' stacks of a run that .ci/run stops as hung.
DEB_PACKAGES := dpkg-dev binutils lintian systemd
TEST_PACKAGES := chromium prometheus openssl mosquitto mosquitto-clients gdb $(DEB_PACKAGES)
BENCH_PACKAGES := curl mosquitto mosquitto-clients python3
DEMO_DIR := .build/demo
DEMO_HOURS ?= 1
DEMO_SHOPPERS ?= 300
DEMO_SEED ?= 7

.PHONY: run demo test bench accuracy deb build deps test-deps bench-deps deb-deps packages clean

deps:
	@$(MAKE) --no-print-directory packages PACKAGES="$(DEBIAN_PACKAGES)"

test-deps:
	@$(MAKE) --no-print-directory packages PACKAGES="$(DEBIAN_PACKAGES) $(TEST_PACKAGES)"

bench-deps:
	@$(MAKE) --no-print-directory packages PACKAGES="$(DEBIAN_PACKAGES) $(BENCH_PACKAGES)"

deb-deps:
	@$(MAKE) --no-print-directory packages PACKAGES="$(DEBIAN_PACKAGES) $(DEB_PACKAGES)"

packages:
	@missing=""; \
	for p in $(PACKAGES); do \
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

# The daemon on the demo store: the simulator stands in for the radio; the live map and the
# API are on http://127.0.0.1:8080/ and events are printed as JSON lines. Ctrl-C stops it.
run: build
	@echo "live map: http://127.0.0.1:8080/   status: swift run footfall status --config calibration/demo-store/store.yaml"
	$(SWIFT) run footfall run --config calibration/demo-store/store.yaml --data .footfall/demo-store

# An hour of the demo store simulated and replayed at full speed, with the accuracy report.
demo: build
	@mkdir -p $(DEMO_DIR)
	$(SWIFT) run footfall simulate --store demo-store --hours $(DEMO_HOURS) \
	  --shoppers-per-hour $(DEMO_SHOPPERS) --seed $(DEMO_SEED) --out $(DEMO_DIR)/trace.csv
	$(SWIFT) run footfall replay $(DEMO_DIR)/trace.csv --store demo-store \
	  --truth $(DEMO_DIR)/trace.truth.csv --events $(DEMO_DIR)/events.jsonl --positions $(DEMO_DIR)/positions.csv

test: test-deps
	$(SWIFT) test

# Benchmarks (ordo-one/benchmark, release build), then the daemon's CPU and memory under
# load (Tests/Benchmarks/daemon-load.sh), the same load through a real MQTT broker
# (Tests/Benchmarks/mqtt-load.sh) and what ESPresense nodes' report gating costs in accuracy
# (Tests/Benchmarks/espresense-gating.sh); not part of `make test`.
bench: bench-deps
	$(SWIFT) package --allow-writing-to-package-directory benchmark
	bash Tests/Benchmarks/daemon-load.sh
	bash Tests/Benchmarks/mqtt-load.sh
	bash Tests/Benchmarks/http-load.sh
	bash Tests/Benchmarks/espresense-gating.sh

# The locator beside the simple baselines on every dataset in ../shared/datasets and a matrix
# of simulated stores, with the demo store's presence targets (issue #15); writes
# docs/accuracy.md and docs/accuracy.svg. A measurement, not part of `make test`: it exits 0
# when a case fails (add --require-pass to the command to make that an error).
accuracy: deps
	$(SWIFT) run -c release FootfallAccuracy --datasets ../shared/datasets --markdown docs/accuracy.md --svg docs/accuracy.svg

# The Debian package for gateways, footfall_<version>_<arch>.deb here: a release build with the
# Swift runtime linked in (a gateway has no toolchain), packed by packaging/build-deb.sh and
# checked with lintian. Install it with `sudo apt install ./footfall_*.deb` (README.md).
deb: deb-deps
	$(SWIFT) build -c release --product footfall --static-swift-stdlib
	@rm -f footfall_*.deb  # one package here, so `apt install ./footfall_*.deb` names one version
	packaging/build-deb.sh --binary "$$($(SWIFT) build -c release --show-bin-path)/footfall" --out . --lintian

clean:
	rm -rf .build .footfall footfall_*.deb
