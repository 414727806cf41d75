# make test: every suite, the real-component ones included (oidc-provider,
# gnome-keyring in a private D-Bus session, and Ory Hydra in its own module,
# whose first run builds Hydra with cgo). make bench: whole-command timings.
.PHONY: test bench deps

OP := auth/testdata/op
HYDRA := auth/authtest/hydra

test: deps
	gofmt -l . | (! grep .) || (echo "gofmt needed on the files above" && false)
	go vet ./...
	cd $(HYDRA) && go vet ./...
	./.ci/with-keyring go test -count=1 ./...
	cd $(HYDRA) && ../../../.ci/with-keyring go test -count=1 -timeout 30m ./...

deps:
	@if [ ! -d $(OP)/node_modules/oidc-provider ] && command -v npm >/dev/null; then \
		npm ci --prefix $(OP) --no-audit --no-fund; fi

bench: deps
	./.ci/with-keyring ./.ci/bench
