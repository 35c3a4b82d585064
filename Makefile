# kvplan — the two commands a newcomer needs:
#   make reports   render the examples into reports/ (the main job)
#   make test      build and run every test
SHELL := /bin/bash
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
KVPLAN := .build/release/kvplan

.PHONY: deps build reports test bench clean

# What a fresh Debian machine lacks: libcmark (headers + pkg-config file) and pkg-config.
deps:
	@if ! pkg-config --exists libcmark 2>/dev/null; then \
	  echo "installing libcmark-dev and pkg-config" >&2; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libcmark-dev pkg-config >/dev/null; \
	fi

build: deps
	swift build -c release --product kvplan

reports: build
	$(KVPLAN) estimate --model yi-34b-200k --hardware a100-80gb-sxm --context 4096 50_000 100_000

test: deps
	swift test

bench: deps
	swift run -c release kvplan-bench

clean:
	rm -rf .build
