# CleanCity portal. `make test` is the one test command (CI runs it).
GO      ?= go
NPM     ?= npm
GOFILES := $(shell git ls-files '*.go' 2>/dev/null)
BIN     := bin/portal

.PHONY: test fmt-check vet test-go frontend-deps frontend frontend-check test-frontend test-e2e \
        build run bench bench-stats fuzz clean

## test: everything CI checks — gofmt, go vet, Go tests with -race, the
## frontend build matching the committed dist, Vitest, and browser journeys.
test: fmt-check vet test-go test-frontend test-e2e
	@echo "make test: all checks passed"

fmt-check:
	@out=$$(gofmt -l $(GOFILES)); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

test-go:
	$(GO) test -race -timeout 20m ./...

frontend-deps:
	cd frontend && $(NPM) ci --no-audit --no-fund

## frontend: rebuild frontend/dist from source (commit the result).
frontend: frontend-deps
	cd frontend && $(NPM) run build

## frontend-check: the committed dist must be exactly what the source builds.
frontend-check: frontend
	@if [ -n "$$(git status --porcelain -- frontend/dist)" ]; then \
		echo "frontend/dist differs from a fresh build of frontend/src; run 'make frontend' and commit:"; \
		git status --short -- frontend/dist | head -20; exit 1; fi

test-frontend: frontend-check
	cd frontend && $(NPM) run test:unit

build:
	$(GO) build -o $(BIN) ./cmd/portal

test-e2e: build
	cd frontend && PORTAL_BIN=$(CURDIR)/$(BIN) $(NPM) run test:e2e

## run: the portal with the demo city on the embedded store.
run:
	$(GO) run ./cmd/portal serve --demo

## fuzz: every public decoder's fuzz target for FUZZTIME each (one
## worker each on this shared machine: FUZZPARALLEL). A crasher is
## written to the package's testdata/fuzz/<target>/ and from then on runs
## as a regression case in every `go test`.
FUZZTIME     ?= 20s
FUZZPARALLEL ?= 1
FUZZ_TARGETS := \
	./portal:FuzzFileComplaintJSON \
	./portal:FuzzFileComplaintMultipart \
	./portal:FuzzPublicJSON \
	./portal:FuzzOpen311Form \
	./portal:FuzzSurveySubmit \
	./portal:FuzzDecodeCursor \
	./complaints/photo:FuzzProcess \
	./complaints:FuzzNormalizeCode \
	./stats/statscsv:FuzzReader \
	./portal/areas:FuzzParseFeatureCollection \
	./survey:FuzzParseExpr \
	./survey:FuzzScore \
	./portal/auth:FuzzParseHash \
	./portal/auth:FuzzNormalizePhone

fuzz:
	@failed=""; for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; name=$${t##*:}; \
		echo "== $$name ($$pkg)"; \
		$(GO) test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -parallel $(FUZZPARALLEL) || failed="$$failed $$name"; \
	done; if [ -n "$$failed" ]; then echo "fuzz: crashes in:$$failed"; exit 1; fi

## bench: Go benchmarks (locate, stats, auth, complaints, survey).
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## bench-stats: portal vs R on one million interviews (needs r-cran-survey).
bench-stats: build
	bash bench/stats/run.sh

clean:
	rm -rf bin data frontend/e2e/artifacts
