package session

import (
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/latchdev/latch/auth"
)

// A tenant behind a private CA is reachable with the profile's ca_file,
// and not without it.
func TestProfileCAFile(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"issuer": srv.URL, "authorization_endpoint": srv.URL + "/auth",
			"token_endpoint": srv.URL + "/token", "jwks_uri": srv.URL + "/jwks"})
	}))
	defer srv.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600)

	e := &Engine{}
	without := &Profile{Issuer: srv.URL, ClientID: "c", DiscoveryDir: t.TempDir()}
	cfg, err := e.authConfig(without, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.Discover(t.Context(), cfg); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("an unknown CA was trusted: %v", err)
	}
	with := &Profile{Issuer: srv.URL, ClientID: "c", CAFile: ca, DiscoveryDir: t.TempDir()}
	if cfg, err = e.authConfig(with, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.Discover(t.Context(), cfg); err != nil {
		t.Fatalf("with ca_file: %v", err)
	}
	if _, err := e.authConfig(&Profile{Issuer: srv.URL, CAFile: filepath.Join(t.TempDir(), "none.pem")}, ""); err == nil {
		t.Fatal("a missing ca_file was accepted")
	}
}
