# Rapport: `make run` starts everything locally, `make test` runs every test.
GO       ?= go
MODULES  := ./pkg/... ./cmd/rapport/... ./services/contact/... ./services/training/...
SERVICES := contact training
# A count of executions, not a duration: a duration-based -fuzztime can end
# with a spurious "context deadline exceeded" on a loaded machine when the
# deadline catches a worker mid-input (go.dev/issue/75804). 200,000 runs take
# about 6-10 s per target on the 2-core machine.
FUZZTIME ?= 200000x
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: deps run test fuzz bench lint build images generate k8s-check

deps: ## PostgreSQL server binaries, installed when missing
	@bash deploy/install-deps.sh

run: deps ## rapport dev: every service in one process on :8080
	$(GO) run ./cmd/rapport dev

test: deps ## vet, every module's tests, then a short fuzz of the decoders and the import reader
	$(GO) vet $(MODULES)
	$(GO) test -count=1 -timeout 20m $(MODULES)
	$(MAKE) --no-print-directory fuzz

fuzz: ## the request decoder, the event envelope decoder and the import file reader
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./pkg/problem
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./pkg/event
	$(GO) test -run '^$$' -fuzz '^FuzzReadCSV$$' -fuzztime $(FUZZTIME) ./services/contact/importing

# One package at a time (-p 1): two benchmarks sharing the 2 cores would each
# measure the other's load.
bench: deps ## benchmarks; each prints its figures next to a baseline from the same run
	$(GO) test -p 1 -run '^$$' -bench . -benchtime 1x -timeout 60m $(MODULES)

lint:
	@unformatted="$$("$$($(GO) env GOROOT)/bin/gofmt" -l pkg cmd services)"; if [ -n "$$unformatted" ]; then echo "gofmt -w these files:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet $(MODULES)
	$(GO) run $(STATICCHECK) $(MODULES)

build: ## binaries in bin/
	$(GO) build -o bin/ ./cmd/rapport $(foreach s,$(SERVICES),./services/$(s)/cmd/$(s))

images: ## one image per service (needs a Docker engine)
	$(foreach s,$(SERVICES),docker build -f deploy/Dockerfile --build-arg SERVICE=$(s) -t rapport/$(s):dev . &&) true

generate: ## the event reference, from the catalogue
	$(GO) run ./cmd/rapport catalogue > docs/events.md

k8s-check: ## render every overlay
	kubectl kustomize k8s/overlays/local >/dev/null && kubectl kustomize k8s/overlays/cluster >/dev/null
