# maildns: `make synth` and `make test` install what is missing, then run.
SHELL := /bin/bash
.DEFAULT_GOAL := synth

export PIPENV_VENV_IN_PROJECT := 1
export PIPENV_VERBOSITY := -1
export PIPENV_NOSPIN := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CHECKPOINT_DISABLE := 1
export DISABLE_VERSION_CHECK := 1

PYTHON ?= python3
PIPENV_VERSION := 2026.10.3
PIPENV := $(PYTHON) -m pipenv
RUN := $(PIPENV) run

.PHONY: synth test unit bench clean deps dns-servers

# The live tests of `maildns check` run a real authoritative DNS server (NSD) and sign zones with
# ldns-signzone (ldnsutils); apt-get runs only when one of them is missing.
DEBIAN_PACKAGES := nsd ldnsutils
dns-servers:
	@if ! { test -x /usr/sbin/nsd && command -v ldns-signzone && command -v ldns-keygen && command -v ldns-key2ds; } >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEBIAN_PACKAGES); \
	fi

# pipenv itself, then the locked Python environment (.venv), then the locked npm tree.
.venv/.synced: Pipfile.lock
	@$(PYTHON) -m pipenv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "pipenv==$(PIPENV_VERSION)"
	$(PIPENV) sync --dev
	@touch $@

node_modules/.installed: package-lock.json
	# --ignore-scripts: node-pty (interactive terminal of `cdktf watch`) would compile from source.
	npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

deps: .venv/.synced node_modules/.installed

synth: deps
	npx cdktf synth

test: .venv/.synced dns-servers
	$(RUN) pytest

unit: .venv/.synced
	$(RUN) pytest tests/unit tests/config -q

bench: .venv/.synced
	$(RUN) python bench/synth.py

clean:
	rm -rf cdktf.out .pytest_cache .hypothesis
