// Package demoidp is a small OpenID provider for `latch demo` and for fast
// in-process tests: two Logto-style tenants (acme signs ES384, globex RS256)
// and an Entra-style multi-tenant authority (/common/v2.0, whose issuer is
// the template .../{tenantid}/v2.0) with two directories. A sign-in page
// lists demo users to pick from.
//
// It is a demo and a fixture, not a product: state lives in memory, there is
// no password, and every client is a public client. It does enforce what
// latch relies on: PKCE S256, state passed back, nonce, the RFC 9207 iss
// parameter, a refresh token only with offline_access and prompt=consent,
// rotation with revocation of the whole grant on reuse, JWT access tokens
// for resources, organization tokens, userinfo, revocation and the device
// authorization grant.
package demoidp

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// ClientID is the one client every demo tenant knows.
const ClientID = "latch-demo"

// Resource is the demo API resource that gets JWT access tokens.
const Resource = "https://api.demo.latch"

// User is a demo person.
type User struct {
	Sub, Name, Email, Username string
	Roles                      []string
	Orgs                       []string
	// Tenants are the Logto-style tenants and Entra directory ids the user
	// can sign in to.
	Tenants []string
}

// Users are the demo people.
var Users = []User{
	{Sub: "u-ada", Name: "Ada Lovelace", Email: "ada@acme.example", Username: "ada", Roles: []string{"admin"}, Orgs: []string{"org-analytical"}, Tenants: []string{"acme", "globex", TenantContoso}},
	{Sub: "u-grace", Name: "Grace Hopper", Email: "grace@globex.example", Username: "grace", Roles: []string{"developer"}, Tenants: []string{"acme", "globex", TenantFabrikam}},
	{Sub: "u-linus", Name: "Linus Torvalds", Email: "linus@globex.example", Username: "linus", Tenants: []string{"globex"}},
}

// Entra-style directory ids of the multi-tenant authority.
const (
	TenantContoso  = "11111111-1111-4111-8111-111111111111"
	TenantFabrikam = "22222222-2222-4222-8222-222222222222"
)

type tenant struct {
	name   string // acme, globex, common, or a directory id
	issuer string // for common: the {tenantid} template
	alg    jose.SignatureAlgorithm
	key    crypto.Signer
	kid    string
}

// Server is a running demo provider.
type Server struct {
	URL string
	// AccessTTL is the lifetime of access and ID tokens.
	AccessTTL time.Duration
	requests  atomic.Int64
	pathsMu   sync.Mutex
	paths     map[string]int

	srv     *http.Server
	tenants map[string]*tenant

	mu     sync.Mutex
	codes  map[string]*grant
	tokens map[string]*grant // refresh token -> grant
	used   map[string]*grant // rotated-out refresh tokens
	device map[string]*deviceGrant
}

// deviceGrant is a pending device authorization (RFC 8628).
type deviceGrant struct {
	userCode string
	tenant   *tenant
	scopes   []string
	approved *grant
}

type grant struct {
	id                                      string
	tenant                                  *tenant
	user                                    User
	clientID, redirectURI, challenge, nonce string
	scopes                                  []string
	resources                               []string
	offline, revoked                        bool
}

// Start listens on 127.0.0.1 on a free port.
func Start(accessTTL time.Duration) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	if accessTTL <= 0 {
		accessTTL = time.Hour
	}
	s := &Server{URL: "http://" + ln.Addr().String(), AccessTTL: accessTTL, tenants: map[string]*tenant{},
		codes: map[string]*grant{}, tokens: map[string]*grant{}, used: map[string]*grant{}, paths: map[string]int{},
		device: map[string]*deviceGrant{}}
	ec, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	rs, _ := rsa.GenerateKey(rand.Reader, 2048)
	entra, _ := rsa.GenerateKey(rand.Reader, 2048)
	s.tenants["acme"] = &tenant{name: "acme", issuer: s.URL + "/acme/oidc", alg: jose.ES384, key: ec, kid: "acme-1"}
	s.tenants["globex"] = &tenant{name: "globex", issuer: s.URL + "/globex/oidc", alg: jose.RS256, key: rs, kid: "globex-1"}
	s.tenants["common"] = &tenant{name: "common", issuer: s.URL + "/{tenantid}/v2.0", alg: jose.RS256, key: entra, kid: "entra-1"}
	for _, tid := range []string{TenantContoso, TenantFabrikam} {
		s.tenants[tid] = &tenant{name: tid, issuer: s.URL + "/" + tid + "/v2.0", alg: jose.RS256, key: entra, kid: "entra-1"}
	}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.route), ReadHeaderTimeout: 5 * time.Second}
	go s.srv.Serve(ln)
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// Path is how many requests one path has had.
func (s *Server) Path(p string) int {
	s.pathsMu.Lock()
	defer s.pathsMu.Unlock()
	return s.paths[p]
}

// Requests is how many requests the server has answered.
func (s *Server) Requests() int64 { return s.requests.Load() }

// Issuer is the issuer URL of a tenant: acme, globex, or common (the
// multi-tenant authority, whose discovery names the template issuer).
func (s *Server) Issuer(name string) string {
	if name == "common" {
		return s.URL + "/common/v2.0"
	}
	if t := s.tenants[name]; t != nil {
		return t.issuer
	}
	return ""
}

// route maps /<tenant>/oidc/<endpoint> and /<tenant>/v2.0/<endpoint>.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	s.pathsMu.Lock()
	s.paths[r.URL.Path]++
	s.pathsMu.Unlock()
	parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 3)
	if len(parts) < 3 || (parts[1] != "oidc" && parts[1] != "v2.0") {
		http.NotFound(w, r)
		return
	}
	t := s.tenants[parts[0]]
	if t == nil {
		http.NotFound(w, r)
		return
	}
	base := s.URL + "/" + parts[0] + "/" + parts[1]
	switch parts[2] {
	case ".well-known/openid-configuration":
		s.discovery(w, t, base)
	case "jwks":
		s.jwks(w, t)
	case "auth":
		s.authorize(w, r, t)
	case "pick":
		s.pick(w, r, t)
	case "token":
		s.token(w, r, t)
	case "userinfo":
		s.userinfo(w, r, t)
	case "device_authorization":
		s.deviceAuthorization(w, r, t, base)
	case "device":
		s.devicePage(w, r, t)
	case "device/pick":
		s.devicePick(w, r, t)
	case "revoke":
		s.revoke(w, r)
	case "end-session":
		writeHTML(w, http.StatusOK, "<p>Signed out of the demo provider. You can close this tab.</p>")
	default:
		http.NotFound(w, r)
	}
}

func newID() string {
	b := make([]byte, 18)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func writeHTML(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(status)
	w.Write([]byte("<!doctype html><html><head><meta charset=utf-8><title>latch demo provider</title>" +
		"<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto}a{display:block;padding:.6rem;margin:.4rem 0;border:1px solid #ccc;border-radius:8px;text-decoration:none;color:inherit}</style></head><body>" +
		body + "</body></html>"))
}
