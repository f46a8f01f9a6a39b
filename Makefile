# The README's two commands are `make demo` and `make test`.
SWIFT ?= swift
RUNBOOK := .build/release/runbook

.PHONY: demo deps test templates release clean bench

deps:
	@.ci/install-deps

release: deps
	$(SWIFT) build -c release --product runbook

# Build the sample site from runbooks/ into site/ and print the address to open.
demo: release
	$(RUNBOOK) build --source runbooks --out site

# The whole test suite: unit tests, the real binary, and (when Chromium is installed) the browser.
test: deps
	.ci/embed-templates.py --check
	$(SWIFT) build --product runbook
	$(SWIFT) test

# Regenerate the built-in copies of templates/ and symptoms/ after editing them.
templates:
	.ci/embed-templates.py

bench: release
	bench/build-vs-hugo.sh

clean:
	rm -rf .build site
