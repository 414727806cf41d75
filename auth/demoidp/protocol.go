package demoidp

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

func (s *Server) discovery(w http.ResponseWriter, t *tenant, base string) {
	w.Header().Set("Cache-Control", "max-age=3600")
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer": t.issuer, "authorization_endpoint": base + "/auth", "token_endpoint": base + "/token",
		"userinfo_endpoint": base + "/userinfo", "jwks_uri": base + "/jwks", "revocation_endpoint": base + "/revoke",
		"end_session_endpoint": base + "/end-session", "device_authorization_endpoint": base + "/device_authorization", "id_token_signing_alg_values_supported": []string{string(t.alg)},
		"code_challenge_methods_supported": []string{"S256"}, "authorization_response_iss_parameter_supported": true,
		"scopes_supported": []string{"openid", "profile", "email", "offline_access", "urn:logto:scope:organizations"},
	})
}

func (s *Server) jwks(w http.ResponseWriter, t *tenant) {
	w.Header().Set("Cache-Control", "max-age=3600")
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: t.key.Public(), KeyID: t.kid, Algorithm: string(t.alg), Use: "sig"}}})
}

// authorize checks the request and shows the user picker.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, t *tenant) {
	q := r.URL.Query()
	if q.Get("client_id") != ClientID || !strings.HasPrefix(q.Get("redirect_uri"), "http://127.0.0.1:") && !strings.HasPrefix(q.Get("redirect_uri"), "http://localhost:") {
		writeHTML(w, http.StatusBadRequest, "<p>Unknown client or a redirect URI that is not loopback.</p>")
		return
	}
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
		writeHTML(w, http.StatusBadRequest, "<p>PKCE S256 is required.</p>")
		return
	}
	body := "<h1>latch demo: pick a user</h1><p>Tenant <b>" + html.EscapeString(t.name) + "</b></p>"
	for _, u := range s.usersOf(t) {
		link := *r.URL
		link.Path = strings.TrimSuffix(link.Path, "/auth") + "/pick"
		lq := link.Query()
		lq.Set("user", u.Username)
		link.RawQuery = lq.Encode()
		body += fmt.Sprintf(`<a id="%s" href="%s">%s &lt;%s&gt;</a>`, u.Username, html.EscapeString(link.RequestURI()), html.EscapeString(u.Name), html.EscapeString(u.Email))
	}
	writeHTML(w, http.StatusOK, body)
}

func (s *Server) usersOf(t *tenant) []User {
	var out []User
	for _, u := range Users {
		if t.name == "common" {
			if slices.Contains(u.Tenants, TenantContoso) || slices.Contains(u.Tenants, TenantFabrikam) {
				out = append(out, u)
			}
		} else if slices.Contains(u.Tenants, t.name) {
			out = append(out, u)
		}
	}
	return out
}

// directory is the Entra directory a user belongs to.
func directory(u User) string {
	for _, tid := range u.Tenants {
		if tid == TenantContoso || tid == TenantFabrikam {
			return tid
		}
	}
	return ""
}

// pick completes the sign-in as the chosen user and redirects with a code.
func (s *Server) pick(w http.ResponseWriter, r *http.Request, t *tenant) {
	q := r.URL.Query()
	var user *User
	for _, u := range s.usersOf(t) {
		if u.Username == q.Get("user") {
			user = &u
		}
	}
	if user == nil {
		writeHTML(w, http.StatusBadRequest, "<p>No such demo user in this tenant.</p>")
		return
	}
	scopes := strings.Fields(q.Get("scope"))
	g := &grant{id: newID(), tenant: t, user: *user, clientID: q.Get("client_id"), redirectURI: q.Get("redirect_uri"),
		challenge: q.Get("code_challenge"), nonce: q.Get("nonce"), scopes: scopes, resources: q["resource"],
		// Logto (and oidc-provider) issue a refresh token only with
		// prompt=consent; Entra with offline_access alone.
		offline: slices.Contains(scopes, "offline_access") && (strings.Contains(q.Get("prompt"), "consent") || strings.HasSuffix(t.issuer, "/v2.0"))}
	if t.name == "common" {
		g.tenant = s.tenants[directory(*user)]
	}
	code := newID()
	s.mu.Lock()
	s.codes[code] = g
	s.mu.Unlock()
	back, _ := url.Parse(g.redirectURI)
	bq := back.Query()
	bq.Set("code", code)
	bq.Set("state", q.Get("state"))
	bq.Set("iss", g.tenant.issuer)
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (s *Server) token(w http.ResponseWriter, r *http.Request, t *tenant) {
	r.ParseForm()
	f := r.PostForm
	if f.Get("client_id") != ClientID {
		oauthError(w, 401, "invalid_client", "unknown client")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var g *grant
	switch f.Get("grant_type") {
	case "authorization_code":
		g = s.codes[f.Get("code")]
		delete(s.codes, f.Get("code"))
		sum := sha256.Sum256([]byte(f.Get("code_verifier")))
		if g == nil || g.redirectURI != f.Get("redirect_uri") || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
			oauthError(w, 400, "invalid_grant", "code unknown, used, or PKCE verifier mismatch")
			return
		}
	case "refresh_token":
		rt := f.Get("refresh_token")
		if old := s.used[rt]; old != nil {
			// A rotated-out refresh token came back: revoke the whole grant.
			old.revoked = true
			oauthError(w, 400, "invalid_grant", "refresh token reused; grant revoked")
			return
		}
		g = s.tokens[rt]
		if g == nil || g.revoked || g.tenant.issuer != t.issuer && t.name != "common" {
			oauthError(w, 400, "invalid_grant", "refresh token unknown or revoked")
			return
		}
		delete(s.tokens, rt)
		s.used[rt] = g
	case "urn:ietf:params:oauth:grant-type:device_code":
		if g = s.deviceToken(w, f.Get("device_code")); g == nil {
			return
		}
	default:
		oauthError(w, 400, "unsupported_grant_type", f.Get("grant_type"))
		return
	}
	s.issue(w, g, f.Get("resource"), f.Get("organization_id"))
}

// issue answers a token request; the caller holds s.mu.
func (s *Server) issue(w http.ResponseWriter, g *grant, resource, org string) {
	now := time.Now()
	resp := map[string]any{"token_type": "Bearer", "expires_in": int(s.AccessTTL.Seconds()), "scope": strings.Join(g.scopes, " ")}
	if resource != "" || org != "" {
		if resource != "" && resource != Resource {
			oauthError(w, 400, "invalid_target", "unknown resource "+resource)
			return
		}
		if org != "" && !slices.Contains(g.user.Orgs, org) {
			oauthError(w, 403, "access_denied", "not a member of organization "+org)
			return
		}
		claims := map[string]any{"iss": g.tenant.issuer, "sub": g.user.Sub, "client_id": ClientID, "iat": now.Unix(), "exp": now.Add(s.AccessTTL).Unix(), "jti": newID()}
		if resource != "" {
			claims["aud"], claims["scope"] = resource, "read:data"
		}
		if org != "" {
			claims["aud"], claims["organization_id"] = "urn:logto:organization:"+org, org
		}
		resp["access_token"] = g.tenant.sign(claims)
	} else {
		resp["access_token"] = "demo-at-" + newID()
		s.tokens["at:"+resp["access_token"].(string)] = g
	}
	// Like Logto, an ID token comes with every response, refreshes included.
	resp["id_token"] = g.tenant.sign(s.idClaims(g, now))
	if g.offline {
		rt := "demo-rt-" + newID()
		s.tokens[rt] = g
		resp["refresh_token"] = rt
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) idClaims(g *grant, now time.Time) map[string]any {
	u := g.user
	c := map[string]any{"iss": g.tenant.issuer, "sub": u.Sub, "aud": ClientID, "iat": now.Unix(), "exp": now.Add(s.AccessTTL).Unix(),
		"name": u.Name, "email": u.Email, "picture": "https://avatars.demo.latch/" + u.Username + ".png"}
	if g.nonce != "" {
		c["nonce"] = g.nonce
	}
	if strings.HasSuffix(g.tenant.issuer, "/v2.0") {
		c["tid"], c["oid"], c["ver"], c["preferred_username"] = g.tenant.name, "oid-"+u.Sub, "2.0", u.Email
	} else {
		c["username"], c["roles"] = u.Username, u.Roles
		if len(u.Orgs) > 0 {
			c["organizations"] = u.Orgs
			var roles []string
			for _, o := range u.Orgs {
				for _, r := range u.Roles {
					roles = append(roles, o+":"+r)
				}
			}
			c["organization_roles"] = roles
		}
	}
	return c
}

func (t *tenant) sign(claims map[string]any) string {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: t.alg, Key: t.key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", t.kid))
	if err != nil {
		panic(err)
	}
	b, _ := json.Marshal(claims)
	obj, err := signer.Sign(b)
	if err != nil {
		panic(err)
	}
	out, _ := obj.CompactSerialize()
	return out
}

func (s *Server) userinfo(w http.ResponseWriter, r *http.Request, _ *tenant) {
	at := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	g := s.tokens["at:"+at]
	s.mu.Unlock()
	if g == nil || g.revoked {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		oauthError(w, 401, "invalid_token", "unknown access token")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sub": g.user.Sub, "name": g.user.Name, "email": g.user.Email})
}

func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	s.mu.Lock()
	if g := s.tokens[r.PostForm.Get("token")]; g != nil {
		g.revoked = true
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}
