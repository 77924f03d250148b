# CleanCity portal. `make test` is the one test command (CI runs it).
GO      ?= go
NPM     ?= npm
GOFILES := $(shell git ls-files '*.go' 2>/dev/null)
BIN     := bin/portal
SHELL   := /bin/bash
.SHELLFLAGS := -o pipefail -c

# The PostgreSQL pass runs the store-facing packages again with every store
# in PostgreSQL mode (portal/store/storetest). Its database must exist and
# its role may create databases (README, "Running on PostgreSQL").
PG_TEST_URL  ?= $(or $(CLEANCITY_TEST_POSTGRESQL_URL),postgres://cleancity_test:cleancity_test@127.0.0.1:5432/cleancity_test)
PG_PACKAGES  := ./portal/... ./complaints/... ./survey/... ./cmd/portal

.PHONY: test fmt-check vet test-stores test-go test-pg frontend-deps frontend frontend-check test-frontend test-e2e \
        build run bench bench-stats fuzz clean

## test: everything CI checks — gofmt, go vet, Go tests with -race on the
## embedded store, the store-facing tests again on PostgreSQL when it is
## reachable, the frontend build matching the committed dist, Vitest, and
## browser journeys.
test: fmt-check vet test-stores test-frontend test-e2e
	@echo "make test: all checks passed"

## test-stores: the two Go passes at once (the PostgreSQL pass mostly
## waits on PostgreSQL, the race pass on the CPU); each prints when done.
test-stores:
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-go test-pg

fmt-check:
	@out=$$(gofmt -l $(GOFILES)); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

test-go:
	env -u CLEANCITY_TEST_POSTGRESQL_URL $(GO) test -race -timeout 20m -json ./... | $(GO) run ./internal/testreport embedded

## test-pg: the store-facing packages in PostgreSQL mode (without -race:
## the embedded pass has it, and the code under test is the same).
test-pg:
	@out=$$($(GO) run ./internal/pgready '$(PG_TEST_URL)' 2>&1); \
	if [ "$$out" = ready ]; then \
		echo "PostgreSQL pass on $$(echo '$(PG_TEST_URL)' | sed -E 's#//([^:/@]*):[^@]*@#//\1:xxxxx@#')"; \
		CLEANCITY_TEST_POSTGRESQL_URL='$(PG_TEST_URL)' $(GO) test -timeout 20m -json $(PG_PACKAGES) | $(GO) run ./internal/testreport postgresql; \
	elif [ -n "$${CLEANCITY_TEST_POSTGRESQL_URL:-}" ]; then \
		echo "PostgreSQL pass: CLEANCITY_TEST_POSTGRESQL_URL is set but PostgreSQL is not reachable: $$out"; exit 1; \
	else \
		echo "PostgreSQL pass SKIPPED: PostgreSQL is not reachable ($$out); set PG_TEST_URL or see README"; \
	fi

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
