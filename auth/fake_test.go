package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// fakeOP is an in-process provider for the error paths a real provider
// will not produce: it signs whatever ID token a test asks for.
type fakeOP struct {
	t        testing.TB
	srv      *httptest.Server
	key      *ecdsa.PrivateKey
	kid      string
	jwksHits atomic.Int32
	// idToken builds the ID token from the nonce of the authorization
	// request; nil means a good token.
	idToken func(f *fakeOP, nonce string) string
	// issParam overrides the iss on the redirect.
	issParam *string
	meta     map[string]any
	nonce    string
	// jwksBody, when set, is served instead of the key set.
	jwksBody []byte
	// token, when set, answers token requests instead of the default.
	token func(form url.Values) (status int, body any)
}

func newFakeOP(t testing.TB) *fakeOP {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeOP{t: t, key: key, kid: "k1"}
	mux := http.NewServeMux()
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	f.meta = map[string]any{
		"issuer": f.srv.URL, "authorization_endpoint": f.srv.URL + "/auth", "token_endpoint": f.srv.URL + "/token",
		"jwks_uri": f.srv.URL + "/jwks", "id_token_signing_alg_values_supported": []string{"ES384"},
		"code_challenge_methods_supported":               []string{"S256"},
		"authorization_response_iss_parameter_supported": true,
	}
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(f.meta)
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		f.jwksHits.Add(1)
		if f.jwksBody != nil {
			w.Write(f.jwksBody)
			return
		}
		set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &f.key.PublicKey, KeyID: f.kid, Algorithm: "ES384", Use: "sig"}}}
		json.NewEncoder(w).Encode(set)
	})
	mux.HandleFunc("/auth", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		f.nonce = q.Get("nonce")
		if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
			http.Error(w, "pkce required", 400)
			return
		}
		iss := f.meta["issuer"].(string)
		if f.issParam != nil {
			iss = *f.issParam
		}
		back := q.Get("redirect_uri") + "?" + url.Values{"code": {"c0de"}, "state": {q.Get("state")}, "iss": {iss}}.Encode()
		http.Redirect(w, r, back, http.StatusFound)
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if f.token != nil {
			status, body := f.token(r.PostForm)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			json.NewEncoder(w).Encode(body)
			return
		}
		if r.Form.Get("code_verifier") == "" || r.Form.Get("client_id") != "cli" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant"})
			return
		}
		id := f.good(f.nonce)
		if f.idToken != nil {
			id = f.idToken(f, f.nonce)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 3600, "id_token": id, "refresh_token": "rt"})
	})
	return f
}

func (f *fakeOP) claims(nonce string) map[string]any {
	now := time.Now()
	return map[string]any{"iss": f.srv.URL, "sub": "u1", "aud": "cli", "exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "nonce": nonce, "name": "Ada"}
}

func (f *fakeOP) good(nonce string) string { return f.sign(f.claims(nonce), jose.ES384, f.key, f.kid) }

func (f *fakeOP) sign(claims map[string]any, alg jose.SignatureAlgorithm, key any, kid string) string {
	f.t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if kid != "" {
		opts = opts.WithHeader("kid", kid)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		f.t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	obj, err := s.Sign(payload)
	if err != nil {
		f.t.Fatal(err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

func (f *fakeOP) provider(t *testing.T) *Provider {
	t.Helper()
	p, err := Discover(t.Context(), &Config{Issuer: f.srv.URL, ClientID: "cli", CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// browse follows the authorization redirect to the loopback, as a browser.
func browse(u string) error {
	go func() {
		resp, err := http.Get(u)
		if err == nil {
			resp.Body.Close()
		}
	}()
	return nil
}
