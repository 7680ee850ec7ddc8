# Hydro for Go. `make test` is what CI runs.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go
PKGS := ./...

.PHONY: test test-long vet fmt-check generate-check unit race bench bench-protocols fuzz demo

test: fmt-check vet generate-check unit

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

# Regenerates all generated code and fails if it differs from what is
# committed (or staged), or if a generated file is not tracked at all.
GENERATED := '*_hydro.go' '*/cmd/*/main.go' 'examples/shopping/data/*' 'examples/hashset/data/*'
generate-check:
	$(GO) generate $(PKGS)
	@git diff --exit-code --stat -- $(GENERATED) || \
		{ echo "generated code is stale; run 'go generate ./...' and commit"; exit 1; }
	@untracked=$$(git ls-files --others --exclude-standard -- $(GENERATED)); \
	if [ -n "$$untracked" ]; then echo "generated files not committed:"; echo "$$untracked"; exit 1; fi

# -vet=off: make test's vet target runs all of go vet's checks, a superset
# of those go test would run again on every package.
unit:
	$(GO) test -vet=off -count=1 $(PKGS)

# The long mode: simulation tests run their long seed counts (10,000 where
# a test names one). Takes far longer than make test.
test-long:
	HYDRO_LONG=1 $(GO) test -count=1 -timeout 120m $(PKGS)

race:
	$(GO) test -race -count=1 $(PKGS)

# Benchmarks with -benchmem, BENCHCOUNT runs one after another so that the
# variants of a benchmark interleave in time (a load that comes and goes
# hits all of them alike); for the generated/handwritten/interpreted suites a
# table of the ratios of medians follows the raw lines. BENCH selects
# benchmarks, BENCHPKGS packages.
BENCH ?= .
BENCHCOUNT ?= 5
BENCHPKGS ?= $(PKGS)
bench:
	for i in $$(seq $(BENCHCOUNT)); do \
		$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -count 1 $(BENCHPKGS) || exit 1; \
	done | $(GO) run ./internal/benchtable

# The protocol benchmark harness (docs/protocols.md): every protocol as real
# processes under hydrogen run, closed-loop clients swept to saturation, the
# bottleneck model's predictions beside the measurements. SHORT=1 runs the
# short mode (under a minute); results go to BENCH_OUT.
BENCH_OUT ?= $(or $(TMPDIR),/tmp)/hydro-protocol-bench
bench-protocols:
	$(GO) run ./internal/bench/cmd/protocolbench $(if $(SHORT),-short) -out $(BENCH_OUT)

# Short fuzzing pass over every fuzz target (FUZZTIME each).
FUZZTIME ?= 10s
fuzz:
	@for pkg in $$($(GO) list $(PKGS)); do \
		for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$t"; \
			$(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

# README's main command: the replicated shopping carts of Figure 8, one
# client and three server replicas as separate processes on loopback.
demo:
	$(GO) run ./cmd/hydrogen run -flow Figure8 -n server=3 -outputs 15 ./examples/shopping -- \
		-param.classes=@data/classes.json -in.shopping.file=data/sessions.jsonl
