# Tally: build and test.
#
#   make build     debug build (.build/debug/tally-server)
#   make release   release build (.build/release/tally-server)
#   make test      installs what the tests need, builds, runs every test
#   make run       the demo: tally-server on :6379 (data/tally.db) + tally-web on :5000
#   make crash-test        20 rounds of kill -9 under 50 writers
#   make fuzz SECONDS=N    libFuzzer targets (RESP, HTTP, commands)
#   make fuzz-diff SEED=S N=N   seeded random commands, tally vs redis-server
#   make bench             bench/store.sh, bench/web.sh, bench/scale.sh
#
# `make test` installs, only when missing: Debian's libsqlite3-dev, sqlite3,
# redis-server and redis-tools (the integration tests start their own
# redis-server on ephemeral ports; Debian's service is kept from starting so
# that port 6379 stays free), and a Python virtual environment in .venv with
# the packages of requirements-test.txt (redis-py) and of any other
# requirements file listed in PYTHON_REQUIREMENTS.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

SWIFT ?= swift
PYTHON ?= python3
VENV := .venv
PYTHON_REQUIREMENTS := requirements-test.txt $(wildcard compat/requirements.txt)
VENV_STAMP := $(VENV)/.installed
APT_GET ?= apt-get
# Debian's hook that invoke-rc.d asks before starting a service; exit 101 = "no".
POLICY_RC_D ?= /usr/sbin/policy-rc.d

# Debian package for each command or header the build and tests need.
APT_FOR_sqlite3 := sqlite3
APT_FOR_redis-server := redis-server
APT_FOR_redis-cli := redis-tools
APT_FOR_curl := curl
APT_FOR_ip := iproute2
APT_FOR_strace := strace
APT_FOR_gcc := gcc

.PHONY: build release test deps system-deps venv run crash-test fuzz fuzz-diff bench

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release

# The demo, as the article's users run it (needs only the toolchain and libsqlite3-dev).
run: system-deps release
	@scripts/run.sh

crash-test: deps
	$(SWIFT) build
	TALLY_CRASH_ROUNDS=20 $(SWIFT) test --filter CrashTests

# libFuzzer over the RESP and HTTP parsers and command execution
# (Fuzz/README.md): SECONDS in total, split between the targets.
SECONDS ?= 600
fuzz: system-deps
	Fuzz/build.sh
	Fuzz/run.sh $(SECONDS)

# The seeded random differential run against redis-server, long form:
#   make fuzz-diff SEED=7 N=200000
SEED ?= 1
N ?= 200000
fuzz-diff: deps
	$(SWIFT) build
	scripts/fuzz-diff.sh $(SEED) $(N)

bench: deps
	bench/store.sh
	bench/web.sh
	bench/scale.sh
	bench/defaults.sh

# The server binary is built before the tests run: the integration tests
# start .build/debug/tally-server, which `swift test` alone may not rebuild.
# Serially: the integration targets start many child processes from one
# test process, with two spawning harnesses (Foundation's Process and
# posix_spawn); run in parallel, a child started by one can inherit a pipe
# or exit-watch descriptor of the other, which then waits for that unrelated
# child to end (seen as 30-60 s "did not finish" failures on a loaded
# machine). Serial, the suite takes under 3 minutes after the build.
test: deps
	$(SWIFT) build
	$(SWIFT) test --no-parallel

deps: system-deps venv

# Installs the missing Debian packages, with a policy-rc.d that stops the
# package scripts from starting services (removed again only if made here).
system-deps:
	@missing=""; \
	for tool in sqlite3 redis-server redis-cli curl ip strace gcc; do \
	  command -v "$$tool" >/dev/null 2>&1 || missing="$$missing $$tool"; \
	done; \
	packages=""; \
	for tool in $$missing; do \
	  case "$$tool" in \
	    sqlite3) packages="$$packages $(APT_FOR_sqlite3)";; \
	    redis-server) packages="$$packages $(APT_FOR_redis-server)";; \
	    redis-cli) packages="$$packages $(APT_FOR_redis-cli)";; \
	    curl) packages="$$packages $(APT_FOR_curl)";; \
	    ip) packages="$$packages $(APT_FOR_ip)";; \
	    strace) packages="$$packages $(APT_FOR_strace)";; \
	    gcc) packages="$$packages $(APT_FOR_gcc)";; \
	  esac; \
	done; \
	if [ ! -e /usr/include/sqlite3.h ] && ! pkg-config --exists sqlite3 2>/dev/null; then \
	  missing="$$missing sqlite3.h"; packages="$$packages libsqlite3-dev"; \
	fi; \
	if [ ! -e /usr/include/hiredis/hiredis.h ]; then \
	  missing="$$missing hiredis.h"; packages="$$packages libhiredis-dev"; \
	fi; \
	[ -z "$$packages" ] && exit 0; \
	echo "make: missing:$$missing; installing Debian packages:$$packages"; \
	sudo=""; \
	if [ "$$(id -u)" != 0 ]; then \
	  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	  else echo "make: cannot install$$packages (not root, no sudo): install them for$$missing" >&2; exit 1; fi; \
	fi; \
	if ! command -v $(APT_GET) >/dev/null 2>&1; then \
	  echo "make: apt-get not found: install$$packages yourself (needed for$$missing)" >&2; exit 1; \
	fi; \
	policy=$(POLICY_RC_D); created=0; \
	if [ ! -e "$$policy" ]; then \
	  printf '#!/bin/sh\n# Added by Tally'\''s Makefile during apt-get install.\nexit 101\n' | $$sudo tee "$$policy" >/dev/null; \
	  $$sudo chmod 755 "$$policy"; created=1; \
	fi; \
	status=0; \
	( $$sudo $(APT_GET) update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq --no-install-recommends $$packages ) || status=$$?; \
	if [ "$$created" = 1 ]; then $$sudo rm -f "$$policy"; fi; \
	if [ "$$status" != 0 ]; then echo "make: apt-get install$$packages failed: install them for$$missing" >&2; exit 1; fi; \
	for tool in $$missing; do \
	  if [ "$$tool" = sqlite3.h ]; then [ -e /usr/include/sqlite3.h ] || pkg-config --exists sqlite3 2>/dev/null; \
	  elif [ "$$tool" = hiredis.h ]; then [ -e /usr/include/hiredis/hiredis.h ]; \
	  else command -v "$$tool" >/dev/null 2>&1; fi || { echo "make: $$tool is still missing after installing$$packages" >&2; exit 1; }; \
	done

venv: $(VENV_STAMP)

$(VENV_STAMP): $(PYTHON_REQUIREMENTS)
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found: install Debian's python3 and python3-venv" >&2; exit 1; }
	@if ! $(VENV)/bin/python -c 'import sys' >/dev/null 2>&1; then \
	  rm -rf $(VENV); \
	  if ! $(PYTHON) -m venv $(VENV) >/dev/null 2>&1; then \
	    echo "make: '$(PYTHON) -m venv' failed; installing Debian's python3-venv"; \
	    rm -rf $(VENV); \
	    sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo -n"; \
	    $$sudo env DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq --no-install-recommends python3-venv \
	      || { echo "make: cannot create $(VENV): install python3-venv" >&2; exit 1; }; \
	    $(PYTHON) -m venv $(VENV) || { echo "make: cannot create $(VENV) with $(PYTHON) -m venv" >&2; exit 1; }; \
	  fi; \
	fi
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check $(addprefix -r ,$(PYTHON_REQUIREMENTS))
	@touch $@
