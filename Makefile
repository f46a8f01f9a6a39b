# The README's two commands are `make demo` and `make test`.
SWIFT ?= swift
RUNBOOK := .build/release/runbook

.PHONY: demo deps test templates release static-libs clean bench

deps:
	@.ci/install-deps

# The release binary links the Swift runtime, Foundation and the C libraries statically, and is
# not position-independent: a `runbook search` is a fresh process each time, and resolving
# shared libraries (5-6 ms) and 85,000 relative relocations (~2 ms) cost more than the search.
STATIC_LIBS := .build/static-libs
MULTIARCH := $(shell gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)

release: deps static-libs
	PKG_CONFIG_PATH=$(CURDIR)/.ci/pkgconfig-static $(SWIFT) build -c release --static-swift-stdlib \
	  -Xswiftc -Xclang-linker -Xswiftc -no-pie --product runbook

static-libs:
	@mkdir -p $(STATIC_LIBS)
	@for lib in xml2 icuuc icudata lzma z cmark-gfm cmark-gfm-extensions; do \
	  ln -sf /usr/lib/$(MULTIARCH)/lib$$lib.a $(STATIC_LIBS)/lib$$lib.a; done
	@ln -sf $$(gcc -print-file-name=libstdc++.a) $(STATIC_LIBS)/libstdc++.a

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
