# make test: every suite, the real-component ones included (oidc-provider,
# gnome-keyring in a private D-Bus session). make bench: whole-command timings.
.PHONY: test test-plugins bench deps stress fuzz demo

OP := auth/testdata/op
# The Ory Hydra suite has its own module (Hydra's dependencies stay out of
# latch); its first run builds Hydra with cgo, a few minutes, then cached.
HYDRA := auth/authtest/hydra

test: deps
	gofmt -l . | (! grep .) || (echo "gofmt needed on the files above" && false)
	cd $(HYDRA) && go vet ./... && ../../../.ci/with-keyring go test -count=1 -timeout 30m ./...
	go vet ./...
	# latch also builds for macOS and Windows (go-keyring there): vet for them too.
	GOOS=darwin go vet ./... && GOOS=windows go vet ./...
	./.ci/with-keyring go test -count=1 ./...
	$(MAKE) test-plugins

# Test-only modules (their own go.mod, under testdata): latch as kubectl's
# exec credential plugin, run by client-go.
PLUGIN_TESTS := cmd/latch/testdata/kubeexec

test-plugins: deps
	for m in $(PLUGIN_TESTS); do \
		(cd $$m && go vet ./... && $(CURDIR)/.ci/with-keyring go test -count=1 ./...) || exit 1; \
	done

deps:
	@if [ ! -d $(OP)/node_modules/oidc-provider ] && command -v npm >/dev/null; then \
		npm ci --prefix $(OP) --no-audit --no-fund; fi

bench: deps
	./.ci/with-keyring ./.ci/bench

# make stress: 100 rounds of kill -9 (and SIGINT/SIGTERM) during refresh
# against the real keyring; prints sessions lost and chunks left behind.
stress:
	./.ci/with-keyring env LATCH_STRESS_ROUNDS=100 go test -count=1 -run TestKillDuringRefreshLosesNoSession -v ./tokencache/

# make fuzz: every fuzz target for FUZZTIME each (default 1m), one after the
# other; the seed corpora live in each package's testdata/fuzz.
FUZZTIME ?= 1m
FUZZ_TARGETS := auth:FuzzCallback auth:FuzzTokenResponse auth:FuzzJWTDecode auth:FuzzJWKS \
	auth:FuzzDiscovery auth:FuzzCacheControl auth/session:FuzzConfig \
	tokencache:FuzzIndex tokencache:FuzzRecord tokencache:FuzzManifest

fuzz:
	for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "== $$name ($$pkg, $(FUZZTIME))"; \
		go test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) ./$$pkg || exit 1; \
	done

# make demo: build ./latch and ./latch-ui (saying so: the first build takes a
# minute), then run latch demo against the local demo provider.
demo:
	@echo "make demo: building ./latch and ./latch-ui (the first build downloads and compiles for about a minute; later ones take seconds)..."
	@CGO_ENABLED=0 go build -o . ./cmd/latch ./cmd/latch-ui
	./latch demo
