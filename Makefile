# Thin wrapper around CMake. `make` builds build/tidings; `make test` runs the
# whole suite (see tests/run.sh); `make sanitize` and `make tsan` build the
# sanitizer variants; `make fuzz` builds the libFuzzer targets with clang.
JOBS ?= $(shell nproc)

all: build/tidings

build/tidings: FORCE
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build -j $(JOBS)

sanitize: FORCE
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DTD_SANITIZE=address,undefined >/dev/null
	@cmake --build build-asan -j $(JOBS)

tsan: FORCE
	@cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTD_SANITIZE=thread >/dev/null
	@cmake --build build-tsan -j $(JOBS)

fuzz: FORCE
	@CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTD_FUZZ=ON -DTD_WERROR=OFF >/dev/null
	@cmake --build build-fuzz -j $(JOBS)

test: FORCE
	@tests/run.sh

format: FORCE
	@clang-format -i include/*.h src/*.c src/*.h cli/*.c cli/*.h tests/unit/*.c tests/unit/*.h

clean: FORCE
	rm -rf build build-asan build-tsan build-fuzz

FORCE:
.PHONY: all sanitize tsan fuzz test format clean FORCE

# The README's test command: the whole suite, optimised, then under
# AddressSanitizer + UndefinedBehaviorSanitizer, then under ThreadSanitizer.
check: FORCE
	@$(MAKE) --no-print-directory all
	@echo "== tests (optimised)"; tests/run.sh build
	@$(MAKE) --no-print-directory sanitize
	@echo "== tests (ASan + UBSan)"; ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 tests/run.sh build-asan
	@$(MAKE) --no-print-directory tsan
	@echo "== tests (TSan)"; TSAN_OPTIONS=halt_on_error=1 tests/run.sh build-tsan
