# pm's build. `make demo` and `make test` do all the set-up on a fresh
# Debian 12 machine (hack/install-deps.sh installs the packages).
GO      ?= go
TAGS    := containers_image_openpgp exclude_graphdriver_btrfs exclude_graphdriver_devicemapper
# Every go command builds against bin/pm.mod: go.mod with go.podman.io/storage
# replaced by bin/storage, storage with pm's files of hack/storage-overlay in
# it (hack/storage-overlay.sh: the staging locks of pkg/stagelock and
# DeleteContainers).
GOFLAGS := -tags "$(TAGS)" -modfile=$(CURDIR)/bin/pm.mod
export CGO_ENABLED := 1

.PHONY: all build deps storage test unit e2e e2e-race demo bench docs lint clean conformance

all: build

deps:
	@./hack/install-deps.sh

storage:
	@./hack/storage-overlay.sh

build: storage
	$(GO) build $(GOFLAGS) -o bin/pm ./cmd/pm

unit: storage
	@test -z "$$(gofmt -l cmd libpod pkg hack test)" || { gofmt -l cmd libpod pkg hack test; echo "gofmt: the files above need formatting"; exit 1; }
	$(GO) vet $(GOFLAGS) ./...
	./hack/check-imports.sh
	$(GO) test $(GOFLAGS) -count=1 $$($(GO) list $(GOFLAGS) ./... | grep -v /test/e2e)

e2e: build
	$(GO) test $(GOFLAGS) -count=1 -timeout 25m ./test/e2e/...

# The API's e2e tests (TestAPI*) against a service built with the race
# detector, bin/pm-race: a data race it reports fails the test that drove
# it. PM_E2E_LOAD_DURATION sets the length of the load test (TestAPILoad).
e2e-race: storage
	$(GO) build $(GOFLAGS) -race -o bin/pm-race ./cmd/pm
	PM_BINARY=$(CURDIR)/bin/pm-race $(GO) test $(GOFLAGS) -count=1 -timeout 40m -run 'TestAPI' ./test/e2e/...

test: deps build unit e2e e2e-race

demo: deps build
	./hack/demo.sh

bench: deps build
	./hack/bench.sh

# Podman's own system tests against bin/pm (not part of test: it takes an
# hour or more). See docs/conformance.md.
conformance: build
	./hack/conformance.sh

docs: build
	$(GO) test $(GOFLAGS) -count=1 -run TestDocs ./cmd/pm/

clean:
	rm -rf bin
