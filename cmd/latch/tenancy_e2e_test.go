package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/latchdev/latch/auth/authtest"
	"github.com/latchdev/latch/auth/demoidp"
)

// Tenancy: every kind of tenant is its own key; tokens of one are never
// used for another.

func startDemoIdP(t *testing.T) *demoidp.Server {
	t.Helper()
	s, err := demoidp.Start(time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func statusRows(t *testing.T, u *user) []map[string]any {
	t.Helper()
	var rows []map[string]any
	if err := json.Unmarshal([]byte(u.ok("status", "-o", "json").stdout), &rows); err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestTwoProvidersSameUserNeverMix(t *testing.T) {
	a, b := authtest.StartProvider(t), authtest.StartProvider(t)
	u := newUser(t)
	u.ok("tenant", "add", "a", "--issuer", a.Issuer, "--client-id", authtest.ClientES384)
	u.ok("tenant", "add", "b", "--issuer", b.Issuer, "--client-id", authtest.ClientES384)
	u.ok("login", "--tenant", "a")
	u.ok("login", "--tenant", "b")
	if n := len(u.index()); n != 2 {
		t.Fatalf("the same user at two tenants gave %d records, want 2", n)
	}
	ta := strings.TrimSpace(u.ok("token", "--tenant", "a").stdout)
	tb := strings.TrimSpace(u.ok("token", "--tenant", "b").stdout)
	if ta == tb {
		t.Fatal("both tenants returned the same token")
	}
	if userinfoStatus(t, a.Issuer, ta) != 200 || userinfoStatus(t, b.Issuer, tb) != 200 {
		t.Fatal("a tenant refuses its own token")
	}
	if userinfoStatus(t, b.Issuer, ta) == 200 || userinfoStatus(t, a.Issuer, tb) == 200 {
		t.Fatal("a token of one tenant works at the other: the test is not telling them apart")
	}
	u.ok("logout", "--tenant", "a")
	if got := strings.TrimSpace(u.ok("token", "--tenant", "b").stdout); got != tb {
		t.Error("logging out of a changed b")
	}
	if r := u.run("token", "--tenant", "a"); r.code != 2 {
		t.Errorf("a after logout: exit %d", r.code)
	}
}

func TestEntraCommonIsKeyedByTheRealTenant(t *testing.T) {
	idp := startDemoIdP(t)
	u := newUser(t, "LATCH_TEST_USER=ada")
	u.ok("tenant", "add", "entra", "--issuer", idp.Issuer("common"), "--client-id", demoidp.ClientID)
	u.ok("login", "--tenant", "entra") // ada, of Contoso
	contoso := idp.URL + "/" + demoidp.TenantContoso + "/v2.0"
	rows := statusRows(t, u)
	if len(rows) != 1 || rows[0]["tenant"] != contoso || rows[0]["alias"] != idp.Issuer("common") {
		t.Fatalf("record not keyed by the tid's issuer with /common as alias: %v", rows)
	}
	before := idp.Requests()
	u.ok("token", "--tenant", "entra")
	if n := idp.Requests() - before; n != 0 {
		t.Errorf("second token through /common made %d requests: the cache missed", n)
	}
	u.ok("token", "--tenant", "entra", "--force-refresh")
	if idp.Path("/"+demoidp.TenantContoso+"/v2.0/token") != 1 || idp.Path("/common/v2.0/token") != 1 {
		t.Errorf("refresh did not go to the tenant's own endpoint: tenant %d, common %d",
			idp.Path("/"+demoidp.TenantContoso+"/v2.0/token"), idp.Path("/common/v2.0/token"))
	}

}

func TestEntraTwoDirectoriesAndAllowedTenants(t *testing.T) {
	idp := startDemoIdP(t)
	u := newUser(t, "LATCH_TEST_USER=ada")
	u.ok("tenant", "add", "entra", "--issuer", idp.Issuer("common"), "--client-id", demoidp.ClientID)
	u.ok("login", "--tenant", "entra")
	grace := u.runEnv([]string{"LATCH_TEST_USER=grace"}, "login", "--tenant", "entra", "--tenant-id", demoidp.TenantFabrikam)
	if grace.code != 0 {
		t.Fatalf("grace via --tenant-id: %s", grace.stderr)
	}
	if idp.Path("/"+demoidp.TenantFabrikam+"/v2.0/auth") != 1 {
		t.Error("--tenant-id did not send the browser to the directory's own authority")
	}
	rows := statusRows(t, u)
	tenants := map[any]bool{}
	for _, r := range rows {
		tenants[r["tenant"]] = true
	}
	if len(rows) != 2 || !tenants[idp.URL+"/"+demoidp.TenantContoso+"/v2.0"] || !tenants[idp.URL+"/"+demoidp.TenantFabrikam+"/v2.0"] {
		t.Fatalf("two directories should give two records keyed by tid: %v", rows)
	}
	ada := strings.TrimSpace(u.ok("token", "--tenant", "entra", "--account", "ada").stdout)
	gr := strings.TrimSpace(u.ok("token", "--tenant", "entra", "--account", "grace").stdout)
	if ada == gr {
		t.Fatal("--account returned the same token for both")
	}

	u.ok("tenant", "add", "contoso-only", "--issuer", idp.Issuer("common"), "--client-id", demoidp.ClientID, "--allowed-tenants", demoidp.TenantContoso)
	r := u.runEnv([]string{"LATCH_TEST_USER=grace"}, "login", "--tenant", "contoso-only")
	if r.code != 1 || !strings.Contains(r.stderr, "comes from tenant "+demoidp.TenantFabrikam) || !strings.Contains(r.stderr, "allowed_tenants") {
		t.Fatalf("a foreign tenant was not refused in one sentence: %d %q", r.code, r.stderr)
	}
	if n := len(statusRows(t, u)); n != 2 {
		t.Errorf("a refused sign-in changed the cache: %d records", n)
	}
}

func TestResourceAndOrganizationTokensAreSeparate(t *testing.T) {
	idp := startDemoIdP(t)
	u := newUser(t, "LATCH_TEST_USER=ada")
	u.ok("tenant", "add", "acme", "--issuer", idp.Issuer("acme"), "--client-id", demoidp.ClientID)
	u.ok("login", "--tenant", "acme", "--resource", demoidp.Resource, "--org", "org-analytical")
	key := onlyKey(t, u.index())
	if auds := u.index()[key].(map[string]any)["audiences"].([]any); len(auds) != 2 {
		t.Fatalf("want a resource token and an organization token after login, got %d entries", len(auds))
	}
	res := strings.TrimSpace(u.ok("token", "--tenant", "acme", "--resource", demoidp.Resource).stdout)
	org := strings.TrimSpace(u.ok("token", "--tenant", "acme", "--org", "org-analytical").stdout)
	if res == org || !strings.Contains(u.ok("claims", "--tenant", "acme", "--access", "--resource", demoidp.Resource).stdout, demoidp.Resource) {
		t.Fatal("resource and organization tokens are not separate")
	}
	rt := secretRecord(t, key)["refresh_token"]
	u.ok("token", "--tenant", "acme", "--org", "org-analytical", "--force-refresh")
	if secretRecord(t, key)["refresh_token"] == rt {
		t.Fatal("an organization token request did not rotate the refresh token")
	}
	// The others still work, through the rotated refresh token.
	u.ok("token", "--tenant", "acme", "--resource", demoidp.Resource, "--force-refresh")
	u.ok("token", "--tenant", "acme", "--force-refresh")
	if orgs := u.ok("orgs", "--tenant", "acme").stdout; !strings.Contains(orgs, "org-analytical") {
		t.Errorf("orgs: %q", orgs)
	}
}

func TestTwoAccountsInOneTenant(t *testing.T) {
	idp := startDemoIdP(t)
	u := newUser(t, "LATCH_TEST_USER=ada")
	u.ok("tenant", "add", "acme", "--issuer", idp.Issuer("acme"), "--client-id", demoidp.ClientID)
	u.ok("login", "--tenant", "acme")
	u.runEnv([]string{"LATCH_TEST_USER=grace"}, "login", "--tenant", "acme", "--prompt", "login consent")
	rows := statusRows(t, u)
	if len(rows) != 2 {
		t.Fatalf("both accounts should be listed: %v", rows)
	}
	current := ""
	for _, r := range rows {
		if r["current"] == true {
			current = r["sub"].(string)
		}
	}
	if current != "u-grace" {
		t.Errorf("the last sign-in should be the default, got %q", current)
	}
	if c := u.ok("claims", "--tenant", "acme", "--account", "ada@acme.example").stdout; !strings.Contains(c, "u-ada") {
		t.Errorf("--account by email did not pick ada: %s", c)
	}
	if c := u.ok("claims", "--tenant", "acme").stdout; !strings.Contains(c, "u-grace") {
		t.Errorf("default account is not grace: %s", c)
	}
}

func TestCacheExplainVerdicts(t *testing.T) {
	idp := startDemoIdP(t)
	u := newUser(t, "LATCH_TEST_USER=ada")
	u.ok("tenant", "add", "acme", "--issuer", idp.Issuer("acme"), "--client-id", demoidp.ClientID)
	u.ok("tenant", "add", "globex", "--issuer", idp.Issuer("globex"), "--client-id", demoidp.ClientID)
	u.ok("tenant", "add", "fresh", "--issuer", "https://nobody.example/oidc", "--client-id", "other-client")
	u.ok("login", "--tenant", "acme")
	explain := func(args ...string) map[string]any {
		var m map[string]any
		out := u.ok(append([]string{"cache", "explain", "-o", "json"}, args...)...).stdout
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, tt := range []struct {
		args    []string
		verdict string
	}{
		{[]string{"--tenant", "acme"}, "hit"},
		{[]string{"--tenant", "acme", "--resource", demoidp.Resource}, "other audience"},
		{[]string{"--tenant", "acme", "--min-ttl", "2h"}, "expired and refreshable"},
		{[]string{"--tenant", "globex"}, "other tenant"},
		{[]string{"--tenant", "acme", "--account", "linus"}, "other account"},
		{[]string{"--tenant", "fresh"}, "no record"},
	} {
		got := explain(tt.args...)
		if got["verdict"] != tt.verdict {
			t.Errorf("explain %v: verdict %v (%v), want %q", tt.args, got["verdict"], got["reason"], tt.verdict)
		}
	}
	text := u.ok("cache", "explain", "--tenant", "acme").stdout
	for _, want := range []string{"key: latch/v1 tenant=", "tenant", "client", "account", "audience", "Hit —"} {
		if !strings.Contains(text, want) {
			t.Errorf("explain text lacks %q:\n%s", want, text)
		}
	}
	ls := u.ok("cache", "ls").stdout
	key := onlyKey(t, u.index())
	if !strings.Contains(ls, key) || strings.Contains(ls, secretRecord(t, key)["refresh_token"].(string)) {
		t.Fatalf("cache ls:\n%s", ls)
	}
	u.ok("cache", "rm", key)
	if len(u.index()) != 0 {
		t.Error("cache rm left the record")
	}
}

func TestDeviceFlowWithoutLoopback(t *testing.T) {
	idp := startDemoIdP(t)
	u := newUser(t, "LATCH_TEST_USER=grace")
	u.ok("tenant", "add", "acme", "--issuer", idp.Issuer("acme"), "--client-id", demoidp.ClientID)
	r := u.ok("login", "--tenant", "acme", "--device")
	if !strings.Contains(r.stderr, "and enter the code") || !strings.Contains(r.stderr, "Signed in to "+idp.Issuer("acme")+" as Grace Hopper") {
		t.Fatalf("device login output:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, "Listening for the redirect") {
		t.Error("the device flow opened a loopback listener")
	}
	tok := strings.TrimSpace(u.ok("token", "--tenant", "acme").stdout)
	if tok == "" || idp.Path("/acme/oidc/device_authorization") != 1 {
		t.Fatal("no token after the device flow")
	}
	u.ok("token", "--tenant", "acme", "--force-refresh") // refreshable: offline_access without prompt
}
