package demoidp

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/latchdev/latch/auth/authtest"
)

// signIn runs the code flow by hand as user and returns the token response.
func signIn(t *testing.T, s *Server, tenant, user, verifier string, extra url.Values) (int, map[string]any) {
	t.Helper()
	sum := sha256.Sum256([]byte("right-verifier-of-forty-three-characters-xx"))
	q := url.Values{"client_id": {ClientID}, "redirect_uri": {"http://127.0.0.1:1/callback"}, "state": {"st"},
		"nonce": {"n"}, "scope": {"openid offline_access"}, "prompt": {"consent"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	for k, v := range extra {
		q[k] = v
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(s.Issuer(tenant) + "/pick?" + q.Encode() + "&user=" + user)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	code := loc.Query().Get("code")
	if code == "" || loc.Query().Get("state") != "st" || loc.Query().Get("iss") == "" {
		t.Fatalf("redirect %q lacks code, state or iss", loc)
	}
	return post(t, s.Issuer(tenant)+"/token", url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {ClientID},
		"redirect_uri": {"http://127.0.0.1:1/callback"}, "code_verifier": {verifier}})
}

func post(t *testing.T, u string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	m := map[string]any{}
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func start(t *testing.T) *Server {
	s, err := Start(time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

const good = "right-verifier-of-forty-three-characters-xx"

func TestPKCEIsEnforced(t *testing.T) {
	s := start(t)
	if code, m := signIn(t, s, "acme", "ada", "wrong", nil); code != 400 || m["error"] != "invalid_grant" {
		t.Fatalf("wrong verifier: %d %v", code, m)
	}
	resp, _ := http.Get(s.Issuer("acme") + "/auth?client_id=" + ClientID + "&redirect_uri=http://127.0.0.1:1/callback")
	if resp.StatusCode != 400 {
		t.Fatalf("authorization without PKCE: %d", resp.StatusCode)
	}
}

func TestRefreshReuseRevokesTheGrant(t *testing.T) {
	s := start(t)
	_, m := signIn(t, s, "acme", "ada", good, nil)
	rt1, _ := m["refresh_token"].(string)
	if rt1 == "" {
		t.Fatal("no refresh token with offline_access and prompt=consent")
	}
	refresh := func(rt string) (int, map[string]any) {
		return post(t, s.Issuer("acme")+"/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {ClientID}})
	}
	code, m2 := refresh(rt1)
	rt2, _ := m2["refresh_token"].(string)
	if code != 200 || rt2 == "" || rt2 == rt1 {
		t.Fatalf("refresh did not rotate: %d %v", code, m2)
	}
	if code, _ := refresh(rt1); code != 400 {
		t.Fatalf("reused refresh token accepted: %d", code)
	}
	if code, _ := refresh(rt2); code != 400 {
		t.Fatal("the grant survived a replayed refresh token")
	}
}

func TestNoRefreshTokenWithoutConsent(t *testing.T) {
	s := start(t)
	_, m := signIn(t, s, "acme", "ada", good, url.Values{"prompt": {"login"}})
	if _, ok := m["refresh_token"]; ok {
		t.Fatal("refresh token issued without prompt=consent")
	}
}

func TestCommonAuthorityIssuesPerTenant(t *testing.T) {
	s := start(t)
	resp, _ := http.Get(s.Issuer("common") + "/.well-known/openid-configuration")
	b, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(b), `"issuer":"`+s.URL+`/{tenantid}/v2.0"`) {
		t.Fatalf("common discovery: %s", b)
	}
	_, m := signIn(t, s, "common", "grace", good, nil)
	payload := decode(t, m["id_token"].(string))
	if payload["tid"] != TenantFabrikam || payload["iss"] != s.URL+"/"+TenantFabrikam+"/v2.0" {
		t.Fatalf("id token claims %v", payload)
	}
}

func TestResourceAndOrganizationTokens(t *testing.T) {
	s := start(t)
	_, m := signIn(t, s, "acme", "ada", good, nil)
	code, r := post(t, s.Issuer("acme")+"/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {m["refresh_token"].(string)}, "client_id": {ClientID}, "resource": {Resource}})
	if code != 200 || decode(t, r["access_token"].(string))["aud"] != Resource {
		t.Fatalf("resource token: %d %v", code, r)
	}
	code, o := post(t, s.Issuer("acme")+"/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {r["refresh_token"].(string)}, "client_id": {ClientID}, "organization_id": {"org-analytical"}})
	if code != 200 || decode(t, o["access_token"].(string))["organization_id"] != "org-analytical" {
		t.Fatalf("organization token: %d %v", code, o)
	}
}

func TestPickerListsTenantUsers(t *testing.T) {
	s := start(t)
	resp, _ := http.Get(s.Issuer("globex") + "/auth?client_id=" + ClientID + "&redirect_uri=http://127.0.0.1:1/callback&code_challenge=x&code_challenge_method=S256")
	b, _ := io.ReadAll(resp.Body)
	got := regexp.MustCompile(`id="([a-z]+)"`).FindAllStringSubmatch(string(b), -1)
	if len(got) != 3 || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Fatalf("picker: %d users, CSP %q", len(got), resp.Header.Get("Content-Security-Policy"))
	}
}

func decode(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	json.Unmarshal(b, &m)
	return m
}

// The demo sign-in page as a person sees it in a browser: every user of the
// tenant, clickable, with no external assets.
func TestPickerInChromium(t *testing.T) {
	s := start(t)
	shot := filepath.Join(t.TempDir(), "picker.png")
	if d := os.Getenv("LATCH_KEEP_SCREENSHOTS"); d != "" {
		shot = filepath.Join(d, "picker.png")
	}
	dom := authtest.Chromium(t, s.Issuer("acme")+"/auth?client_id="+ClientID+"&redirect_uri=http://127.0.0.1:1/callback&code_challenge=x&code_challenge_method=S256", shot)
	for _, want := range []string{"pick a user", "Ada Lovelace", "Grace Hopper", `href="/acme/oidc/pick?`} {
		if !strings.Contains(dom, want) {
			t.Errorf("the picker lacks %q:\n%s", want, dom)
		}
	}
	if strings.Contains(dom, "Linus") {
		t.Error("the picker lists a user of another tenant")
	}
}
