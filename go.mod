module github.com/latchdev/latch

go 1.26.8

require (
	github.com/coreos/go-oidc/v3 v3.21.0
	github.com/go-jose/go-jose/v4 v4.1.4
)

require (
	github.com/pkg/browser v0.0.0-20240102092130-5ac0b6a4141c // indirect
	golang.org/x/oauth2 v0.37.0 // indirect
	golang.org/x/sys v0.1.0 // indirect
)
