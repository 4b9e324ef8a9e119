# Entry points for people and CI (docs/building.md). CMake does the real work;
# these targets only pick build directories and options.
#
#   make / make build    Release build in build/
#   make demo            setup + build + run $(EXAMPLE)'s tests, then the app in the simulator (Ctrl-C stops)
#   make demo-containers the same for examples/containers-app (real Docker containers)
#   make test            setup + Release tests + ASan/UBSan tests (what CI runs)
#   make test-fast       setup + Release tests only
#   make bench           setup + Release build + benchmarks + comparison with Wing
#   make fuzz            setup + clang/libFuzzer build + a bounded fuzz run
#   make update-goldens  rewrite tests/golden/* from the current build (review the diff)
#   make clean           remove every build directory

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

BUILD_DIR ?= build
ASAN_DIR ?= build-asan
FUZZ_DIR ?= build-fuzz
JOBS ?= 2
EXAMPLE ?= examples/notes-api/main.w
BENCH_PROGRAM ?= bench/programs/thirty_lines.w
FUZZ_SECONDS ?= 60
WDSL := $(BUILD_DIR)/cli/wdsl

# UBSan reports are errors; ASan also checks for leaks at exit.
SANITIZER_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
                 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

.PHONY: all setup build configure demo demo-containers test test-fast test-release test-asan \
        build-asan bench fuzz clean update-goldens

all: build

setup:
	./scripts/setup.sh

configure:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

demo: setup
	$(MAKE) --no-print-directory build
	$(WDSL) test $(EXAMPLE)
	@echo "Starting $(EXAMPLE) in the simulator; its URLs are in $(dir $(EXAMPLE)).wdsl/endpoints.json. Ctrl-C stops it."
	$(WDSL) run --sim $(EXAMPLE)

# Its image is built FROM scratch (no registry is needed) around the host's
# static busybox, copied into the build context first.
demo-containers: setup
	$(MAKE) --no-print-directory build
	cp /bin/busybox examples/containers-app/web/busybox
	$(WDSL) test examples/containers-app/main.w
	@echo "Starting examples/containers-app; its URLs are in examples/containers-app/.wdsl/endpoints.json. Ctrl-C stops it."
	$(WDSL) run --sim examples/containers-app/main.w

test: setup
	$(MAKE) --no-print-directory test-release
	$(MAKE) --no-print-directory test-asan

test-fast: setup
	$(MAKE) --no-print-directory test-release

test-release: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

build-asan:
	cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWDSL_SANITIZE=ON
	cmake --build $(ASAN_DIR) -j $(JOBS)

test-asan: build-asan
	cd $(ASAN_DIR) && $(SANITIZER_ENV) ctest --output-on-failure -j $(JOBS)

bench:
	WDSL_NEED_BENCH=1 ./scripts/setup.sh
	$(MAKE) --no-print-directory build
	@# Google Benchmark binaries, if any: every executable bench_* in the build.
	for b in $$(find $(BUILD_DIR)/bench -maxdepth 2 -type f -executable -name 'bench_*' 2>/dev/null | sort); do \
	  echo "== $$b"; "$$b"; \
	done
	./bench/bench_sim.sh
	./bench/bench_containers.sh
	./bench/bench_live_update.py
	./bench/bench_lsp.py
	./bench/compare_wing.sh $(BENCH_PROGRAM)

fuzz: setup
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -G Ninja \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWDSL_FUZZ=ON -DWDSL_SANITIZE=ON
	cmake --build $(FUZZ_DIR) -j $(JOBS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) $(SANITIZER_ENV) ./scripts/fuzz.sh $(FUZZ_DIR)

update-goldens: build
	WDSL_UPDATE_GOLDENS=1 $(BUILD_DIR)/tests/cli_test --gtest_filter='Programs/Golden.*'

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR) target
