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

.PHONY: synth test unit lint conformance bench clean deps dns-servers

# The live tests of `maildns check` run a real authoritative DNS server (NSD) and sign zones with
# ldns-signzone (ldnsutils); apt-get runs only when one of them is missing. The tests start their
# own servers on loopback: a policy-rc.d that answers 101 keeps the package from starting the
# system NSD on port 53 while it installs (removed again unless it was there before).
DEBIAN_PACKAGES := nsd ldnsutils
dns-servers:
	@if ! { test -x /usr/sbin/nsd && command -v ldns-signzone && command -v ldns-keygen && command -v ldns-key2ds; } >/dev/null; then \
		guard=; if [ ! -e /usr/sbin/policy-rc.d ]; then guard=1; printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEBIAN_PACKAGES); status=$$?; \
		if [ -n "$$guard" ]; then rm -f /usr/sbin/policy-rc.d; fi; exit $$status; \
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

# The conformance test imports the prebuilt AWS bindings (15-17 s): `make test` runs it only when
# what it proves can have changed since its last pass (our AWS classes, the test, the lock file).
# A fresh clone (CI) has no stamp, so it always runs there; `make conformance` runs it on demand.
CONFORMANCE_INPUTS := Pipfile.lock $(wildcard maildns/aws/*.py) maildns/cdk.py tests/synth/test_conformance.py tests/synth/prebuilt.py

test: .venv/.synced node_modules/.installed .stamp-conformance dns-servers lint
	$(RUN) pytest -m "not conformance" -n auto --dist loadfile

conformance: .venv/.synced
	$(RUN) pytest -q -m conformance tests/synth/test_conformance.py
	@touch .stamp-conformance

.stamp-conformance: $(CONFORMANCE_INPUTS) | .venv/.synced
	$(RUN) pytest -q -m conformance tests/synth/test_conformance.py
	@touch $@

# Type checking (mypy strict on maildns/) and lint and format (ruff), part of `make test`.
lint: .venv/.synced
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy

unit: .venv/.synced
	$(RUN) pytest tests/unit tests/config -q

# OctoDNS is the benchmark's yardstick only, never a dependency of maildns: it lives in a
# virtualenv of its own (bench/.venv, not committed), at a pinned version.
OCTODNS_VERSION := 1.22.0
bench/.venv/bin/octodns-sync:
	$(PYTHON) -m venv bench/.venv
	bench/.venv/bin/python -m pip install --quiet "octodns==$(OCTODNS_VERSION)"

bench: .venv/.synced node_modules/.installed bench/.venv/bin/octodns-sync
	$(RUN) python bench/synth.py

clean:
	rm -rf cdktf.out .pytest_cache .hypothesis .stamp-conformance
