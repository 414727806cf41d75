package tui

import (
	"context"
	"encoding/base64"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/auth/authtest"
	"github.com/latchdev/latch/auth/session"
)

// engineUI is the UI's backend over a real engine: a private config, the
// real keyring (a test service name) and the oidc-provider lab, signed in
// as alice.
func engineUI(t *testing.T) (Backend, *session.Engine, *authtest.Provider) {
	t.Helper()
	authtest.RequireKeyring(t)
	op := authtest.StartProvider(t)
	dir := t.TempDir()
	e, err := session.Open(session.Options{StateDir: filepath.Join(dir, "state"), ConfigPath: filepath.Join(dir, "config.toml"),
		KeyringService: "latch-tui-test", DiscoveryDir: filepath.Join(dir, "discovery")})
	if err != nil {
		t.Fatal(err)
	}
	e.OpenBrowser = func(u string) error {
		go authtest.Browse(u, "alice", false)
		return nil
	}
	t.Cleanup(func() { e.SignOut(context.Background(), session.Selector{}, session.SignOutOptions{All: true}) })
	b := EngineBackend(e, session.Selector{})
	if err := b.AddTenant(NewTenant{Name: "acme", Issuer: op.Issuer, ClientID: authtest.ClientES384}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SignIn(t.Context(), "acme", false, func(auth.Step) {}); err != nil {
		t.Fatal(err)
	}
	return b, e, op
}

// The lab's ID token verifies with the tenant's keys and with the keys its
// own issuer discovers; a changed payload does not.
func TestEngineInspect(t *testing.T) {
	b, e, op := engineUI(t)
	ctx := t.Context()
	tok, err := e.Token(ctx, session.Selector{Tenant: "acme"}, session.TokenOptions{IDToken: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tenant := range []string{"acme", ""} {
		in, err := b.Inspect(ctx, tenant, tok.IDToken)
		if err != nil || !in.Verified || in.Alg != "ES384" || in.Issuer != op.Issuer || !strings.HasPrefix(in.KeysFrom, op.Issuer) {
			t.Fatalf("tenant %q: %v, %+v", tenant, err, in)
		}
	}
	parts := strings.Split(tok.IDToken, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	payload = []byte(strings.Replace(string(payload), `"sub":"alice"`, `"sub":"mallory"`, 1))
	in, err := b.Inspect(ctx, "acme", parts[0]+"."+base64.RawURLEncoding.EncodeToString(payload)+"."+parts[2])
	if err != nil || in.Verified || in.Claims["sub"] != "mallory" {
		t.Fatalf("a tampered token: %v, %+v", err, in)
	}
}

// Re-pointing acme at another client is refused while it has a session,
// then done with Force, which signs the session out.
func TestEngineRepoint(t *testing.T) {
	b, _, op := engineUI(t)
	nt := NewTenant{Name: "acme", Issuer: op.Issuer, ClientID: authtest.ClientRS256}
	if err := b.AddTenant(nt); !errors.Is(err, session.ErrHasSessions) {
		t.Fatalf("re-point without force: %v", err)
	}
	nt.Force = true
	if err := b.AddTenant(nt); err != nil {
		t.Fatal(err)
	}
	list, err := b.Tenants(t.Context())
	if err != nil || len(list) != 1 || list[0].ClientID != authtest.ClientRS256 || list[0].State != SignedOut {
		t.Fatalf("after the re-point: %v %+v", err, list)
	}
}

// The lab is Logto's engine: its opaque access token comes with Logto's
// advice.
func TestEngineOpaqueHint(t *testing.T) {
	b, _, _ := engineUI(t)
	c, err := b.Claims(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if !c.Access.Opaque || !strings.Contains(c.Access.OpaqueHint, "API resource") {
		t.Fatalf("access token: opaque %v, hint %q", c.Access.Opaque, c.Access.OpaqueHint)
	}
}
