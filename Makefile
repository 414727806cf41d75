# make test: every suite, the real-component ones included (oidc-provider,
# gnome-keyring in a private D-Bus session). make bench: whole-command timings.
.PHONY: test bench deps

OP := auth/testdata/op
# The Ory Hydra suite has its own module (Hydra's dependencies stay out of
# latch); its first run builds Hydra with cgo, a few minutes, then cached.
HYDRA := auth/authtest/hydra

test: deps
	gofmt -l . | (! grep .) || (echo "gofmt needed on the files above" && false)
	cd $(HYDRA) && go vet ./... && ../../../.ci/with-keyring go test -count=1 -timeout 30m ./...
	go vet ./...
	./.ci/with-keyring go test -count=1 ./...

deps:
	@if [ ! -d $(OP)/node_modules/oidc-provider ] && command -v npm >/dev/null; then \
		npm ci --prefix $(OP) --no-audit --no-fund; fi

bench: deps
	./.ci/with-keyring ./.ci/bench
