# ektp: `make run` serves a demo regency, `make test` runs every test, `make bench` the benchmarks.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
PORT ?= 8080
DEMO ?= 3327
DEMO_SIZE ?= 50000
JOBS ?= $(shell nproc)

.PHONY: all deps configure build run test bench clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@if [ ! -f $(BUILD_DIR)/build.ninja ]; then \
	  cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE); fi

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	scripts/run-demo.sh $(BUILD_DIR)/ektp $(PORT) $(DEMO) $(DEMO_SIZE)

test: build
	scripts/run-tests.sh $(BUILD_DIR)

bench: build
	scripts/run-bench.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
