package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/latchdev/latch/auth/authtest"
	"github.com/zalando/go-keyring"
)

// The in-process tests run commands through run() with their own streams,
// a private HOME and the real keyring and provider: no binary is built.

type cli struct {
	t    *testing.T
	home string
	// user is who the in-process browser signs in as at oidc-provider.
	user string
}

type outcome struct {
	stdout, stderr string
	code           int
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	authtest.RequireKeyring(t)
	home := t.TempDir()
	for k, v := range map[string]string{
		"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config"),
		"XDG_STATE_HOME": filepath.Join(home, ".local", "state"), "XDG_CACHE_HOME": filepath.Join(home, ".cache"),
		"LATCH_CONFIG": "", "LATCH_STATE_DIR": "", "LATCH_TENANT": "", "NO_COLOR": "1",
	} {
		t.Setenv(k, v)
	}
	os.Unsetenv("LATCH_CONFIG")
	os.Unsetenv("LATCH_STATE_DIR")
	os.Unsetenv("LATCH_TENANT")
	return &cli{t: t, home: home, user: "alice"}
}

// run executes one latch command line in this process.
func (c *cli) run(args ...string) outcome {
	c.t.Helper()
	var out, errb bytes.Buffer
	a := &app{streams: streams{strings.NewReader(""), &out, &errb}, openBrowser: c.browse}
	code := a.run(args)
	return outcome{out.String(), errb.String(), code}
}

func (c *cli) ok(args ...string) outcome {
	c.t.Helper()
	r := c.run(args...)
	if r.code != 0 {
		c.t.Fatalf("latch %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// browse is the person at the browser, in the background as a real one is.
func (c *cli) browse(u string) error {
	user := c.user
	go authtest.Browse(u, user, false)
	return nil
}

func TestCLIInProcessLifecycle(t *testing.T) {
	op := authtest.StartProvider(t)
	c := newCLI(t)
	c.ok("tenant", "add", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)
	if r := c.ok("login", "--tenant", "acme"); !strings.Contains(r.stderr, "Signed in to "+op.Issuer+" as Test alice") {
		t.Fatalf("login said:\n%s", r.stderr)
	}
	tok := strings.TrimSpace(c.ok("token").stdout)
	op.ResetStats(t)
	if again := strings.TrimSpace(c.ok("token", "--tenant", "acme").stdout); again != tok || op.Requests(t) != 0 {
		t.Fatalf("a cached token cost %d requests (same token: %v)", op.Requests(t), again == tok)
	}
	claims := c.ok("claims").stdout
	for _, want := range []string{"ID token claims (verified", "sub", "subject: the account's stable id"} {
		if !strings.Contains(claims, want) {
			t.Errorf("claims lack %q:\n%s", want, claims)
		}
	}
	if info := c.ok("claims", "--userinfo").stdout; !strings.Contains(info, "userinfo of "+op.Issuer) || !strings.Contains(info, "alice") {
		t.Errorf("claims --userinfo:\n%s", info)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(c.ok("status", "-o", "json").stdout), &rows); err != nil || len(rows) != 1 {
		t.Fatalf("status -o json: %v %v", err, rows)
	}
	for _, k := range []string{"profile", "tenant", "account", "sub", "expires", "scopes", "refreshable", "state", "store", "key", "default"} {
		if _, ok := rows[0][k]; !ok {
			t.Errorf("status -o json lacks the key %q: %v", k, rows[0])
		}
	}
	if rows[0]["default"] != true || rows[0]["state"] != "valid" {
		t.Errorf("the only tenant should be the default and valid: %v", rows[0])
	}
	c.ok("logout")
	if r := c.run("token"); r.code != 2 || !strings.Contains(r.stderr, "sign-in required") || !strings.Contains(r.stderr, "latch login") {
		t.Fatalf("token after logout: %d %q", r.code, r.stderr)
	}
}

func TestCLIHintsRepeatTheFlagsThatChoseTheSession(t *testing.T) {
	c := newCLI(t)
	r := c.run("token", "--issuer", "http://127.0.0.1:9/oidc", "--client-id", "abc")
	want := "latch login --issuer http://127.0.0.1:9/oidc --client-id abc"
	if r.code != 2 || !strings.Contains(r.stderr, want) {
		t.Fatalf("exit %d, want 2 and the hint %q:\n%s", r.code, want, r.stderr)
	}
	r = c.run("token", "--tenant", "my team")
	if r.code != 1 || !strings.Contains(r.stderr, "latch tenant add 'my team' --issuer URL --client-id ID") {
		t.Fatalf("unknown tenant: exit %d:\n%s", r.code, r.stderr)
	}
}

func TestCLIOutputFormatsAreChecked(t *testing.T) {
	c := newCLI(t)
	r := c.run("status", "-o", "yaml")
	if r.code != 1 || !strings.Contains(r.stderr, "-o yaml is not an output of latch status: use text or json") {
		t.Fatalf("-o yaml: exit %d %q", r.code, r.stderr)
	}
	if r := c.run("tenant", "ls", "-o", "json"); r.code != 0 || !json.Valid([]byte(r.stdout)) || !strings.Contains(r.stdout, `"tenants"`) {
		t.Fatalf("tenant ls -o json: %d %q", r.code, r.stdout)
	}
}

func TestCLIDefaultTenant(t *testing.T) {
	c := newCLI(t)
	if r := c.run("status"); r.code != 2 || !strings.Contains(r.stderr, "latch tenant add NAME --issuer URL --client-id ID") {
		t.Fatalf("status with no tenant at all: %d %q", r.code, r.stderr)
	}
	c.ok("tenant", "add", "one", "--issuer", "https://one.example.test/oidc", "--client-id", "a")
	c.ok("tenant", "add", "two", "--issuer", "https://two.example.test/oidc", "--client-id", "b")
	if r := c.run("token"); r.code != 1 || !strings.Contains(r.stderr, "no tenant chosen") || !strings.Contains(r.stderr, "latch tenant use NAME") {
		t.Fatalf("two tenants and no default: %d %q", r.code, r.stderr)
	}
	c.ok("tenant", "use", "two")
	if r := c.run("token"); r.code != 2 || !strings.Contains(r.stderr, "two") {
		t.Fatalf("the default tenant was not used: %d %q", r.code, r.stderr)
	}
	t.Setenv("LATCH_TENANT", "one")
	if r := c.run("token"); r.code != 2 || !strings.Contains(r.stderr, "for one") {
		t.Fatalf("LATCH_TENANT did not override the default: %d %q", r.code, r.stderr)
	}
	var ls map[string]any
	json.Unmarshal([]byte(c.ok("tenant", "ls", "-o", "json").stdout), &ls)
	if ls["default"] != "one" {
		t.Errorf("tenant ls -o json default = %v, want one (LATCH_TENANT)", ls["default"])
	}
	if r := c.run("tenant", "use", "tow"); r.code != 1 || !strings.Contains(r.stderr, "did you mean two?") {
		t.Errorf("mistyped tenant: %d %q", r.code, r.stderr)
	}
}

func TestCLIRepointingAProfileSignsItsSessionsOut(t *testing.T) {
	op := authtest.StartProvider(t)
	c := newCLI(t)
	c.ok("tenant", "add", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)
	c.ok("login")
	rt := storedRefreshToken(t, c)

	r := c.run("tenant", "add", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientRS256)
	if r.code != 1 || !strings.Contains(r.stderr, "has 1 session") || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("re-pointing a profile with a session: exit %d %q", r.code, r.stderr)
	}
	if tok := c.run("token"); tok.code != 0 {
		t.Fatalf("a refused re-point lost the session: %q", tok.stderr)
	}
	r = c.ok("tenant", "add", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientRS256, "--force")
	if !strings.Contains(r.stderr, "Revoked") || !strings.Contains(r.stderr, "Signed out") {
		t.Errorf("forced re-point did not say it signed out: %q", r.stderr)
	}
	if code := refreshAt(t, op.Issuer, authtest.ClientES384, rt); code == 200 {
		t.Error("the old client's grant is still alive after the forced re-point")
	}
	if r := c.run("token"); r.code != 2 {
		t.Fatalf("the re-pointed profile served the old client's token: %d %q", r.code, r.stdout)
	}
}

func TestCLIARecordIsOnlyServedForItsIssuerAndClient(t *testing.T) {
	op := authtest.StartProvider(t)
	c := newCLI(t)
	c.ok("tenant", "add", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)
	c.ok("login")
	// The config file is edited by hand to name another client.
	path := filepath.Join(c.home, ".config", "latch", "config.toml")
	b, _ := os.ReadFile(path)
	os.WriteFile(path, bytes.ReplaceAll(b, []byte(authtest.ClientES384), []byte(authtest.ClientRS256)), 0o600)
	r := c.run("token")
	if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, "now points at") {
		t.Fatalf("a record was served for a client that did not issue it: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestCLITenantRemoveSignsOut(t *testing.T) {
	op := authtest.StartProvider(t)
	c := newCLI(t)
	c.ok("tenant", "add", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)
	c.ok("login")
	rt := storedRefreshToken(t, c)
	if r := c.run("tenant", "rm", "acme"); r.code != 1 || !strings.Contains(r.stderr, "--yes") {
		t.Fatalf("tenant rm with a session and no terminal to ask: %d %q", r.code, r.stderr)
	}
	c.ok("tenant", "rm", "acme", "--yes")
	if code := refreshAt(t, op.Issuer, authtest.ClientES384, rt); code == 200 {
		t.Error("tenant rm left the grant alive")
	}
	if r := c.run("status"); r.code != 2 {
		t.Errorf("tokens stayed behind after tenant rm: %q", r.stdout)
	}
}

func TestCLISignInAgainRevokesTheReplacedRefreshToken(t *testing.T) {
	op := authtest.StartProvider(t)
	c := newCLI(t)
	c.ok("tenant", "add", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)
	c.ok("login")
	old := storedRefreshToken(t, c)
	c.ok("login")
	if now := storedRefreshToken(t, c); now == old {
		t.Fatal("the second sign-in kept the old refresh token")
	}
	if code := refreshAt(t, op.Issuer, authtest.ClientES384, old); code == 200 {
		t.Error("the replaced refresh token still works at the provider")
	}
	if r := c.run("token", "--force-refresh"); r.code != 0 {
		t.Fatalf("the new session does not refresh: %q", r.stderr)
	}
}

// storedRefreshToken reads the profile's record from the keyring.
func storedRefreshToken(t *testing.T, c *cli) string {
	t.Helper()
	var rows []map[string]any
	json.Unmarshal([]byte(c.ok("status", "-o", "json").stdout), &rows)
	if len(rows) != 1 {
		t.Fatalf("want one session, have %d", len(rows))
	}
	rt, _ := secretRecord(t, rows[0]["key"].(string))["refresh_token"].(string)
	return rt
}

// Chunks a crash left behind are listed by cache ls and swept by cache rm.
func TestCLICacheListsAndSweepsOrphanedChunks(t *testing.T) {
	c := newCLI(t)
	key := "latch/v1 tenant=24:https://gone.example/oidc client=1:c sub=1:s"
	idx := filepath.Join(c.home, ".local", "state", "latch", "index.json")
	os.MkdirAll(filepath.Dir(idx), 0o700)
	b, _ := json.Marshal(map[string]any{"v": 1, "records": map[string]any{}, "profiles": map[string]any{},
		"pending": []map[string]any{{"key": key, "gen": "a1b2c3d4", "chunks": 2}}})
	if err := os.WriteFile(idx, b, 0o600); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := keyring.Set("latch", key+" #a1b2c3d4/"+strconv.Itoa(i), "chunk"); err != nil {
			t.Fatal(err)
		}
	}
	if r := c.ok("cache", "ls"); !strings.Contains(r.stderr, "left behind") || !strings.Contains(r.stderr, "latch cache rm") {
		t.Fatalf("cache ls does not show the orphaned chunks: %q", r.stderr)
	}
	c.ok("cache", "rm", key)
	for i := range 2 {
		if _, err := keyring.Get("latch", key+" #a1b2c3d4/"+strconv.Itoa(i)); err == nil {
			t.Errorf("chunk %d is still in the keyring after cache rm", i)
		}
	}
	if r := c.ok("cache", "ls"); strings.Contains(r.stderr, "left behind") {
		t.Errorf("cache ls still lists the swept chunks: %q", r.stderr)
	}
}

func TestCLICompletesTenantsAndAccounts(t *testing.T) {
	op := authtest.StartProvider(t)
	c := newCLI(t)
	c.ok("tenant", "add", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)
	c.ok("tenant", "add", "globex", "--issuer", op.Issuer, "--client-id", authtest.ClientRS256)
	if r := c.ok("__complete", "token", "--tenant", ""); !strings.Contains(r.stdout, "acme\n") || !strings.Contains(r.stdout, "globex\n") {
		t.Errorf("tenant completion:\n%s", r.stdout)
	}
	c.ok("login", "--tenant", "acme", "--resource", authtest.Resource)
	if r := c.ok("__complete", "token", "--tenant", "acme", "--account", ""); !strings.Contains(r.stdout, "alice") {
		t.Errorf("account completion:\n%s", r.stdout)
	}
	if r := c.ok("__complete", "token", "--resource", ""); !strings.Contains(r.stdout, authtest.Resource) {
		t.Errorf("resource completion:\n%s", r.stdout)
	}
	// A session holding only the resource's token shows that token's scopes.
	if st := c.ok("status").stdout; !strings.Contains(st, "openid") {
		t.Errorf("status shows no scopes for a resource-only session:\n%s", st)
	}
}

func TestCLIPlainHTTPIssuerNeedsConsent(t *testing.T) {
	c := newCLI(t)
	r := c.run("tenant", "add", "lan", "--issuer", "http://idp.lan.example/oidc", "--client-id", "c")
	if r.code != 1 || !strings.Contains(r.stderr, "plain http") || !strings.Contains(r.stderr, "--insecure-allow-http") {
		t.Fatalf("plain-http issuer: %d %q", r.code, r.stderr)
	}
	if r := c.run("token", "--issuer", "http://idp.lan.example/oidc", "--client-id", "c"); r.code != 1 || !strings.Contains(r.stderr, "plain http") {
		t.Fatalf("plain-http issuer by flags: %d %q", r.code, r.stderr)
	}
	c.ok("tenant", "add", "lan", "--issuer", "http://idp.lan.example/oidc", "--client-id", "c", "--insecure-allow-http")
}

// -v traces every provider request on stderr with no secret in it.
func TestCLIVerboseTraceHasNoSecrets(t *testing.T) {
	op := authtest.StartProvider(t)
	c := newCLI(t)
	c.ok("tenant", "add", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)
	login := c.ok("-v", "login")
	refresh := c.ok("token", "-v", "--force-refresh")
	trace := login.stderr + refresh.stderr
	if !strings.Contains(trace, "POST") || !strings.Contains(trace, op.Issuer+"/token") || !strings.Contains(trace, "200") {
		t.Fatalf("the trace lacks the token requests:\n%s", trace)
	}
	rec := secretRecord(t, storedKey(t, c))
	for _, name := range []string{"refresh_token", "id_token"} {
		if v, _ := rec[name].(string); v == "" || strings.Contains(trace, v) {
			t.Errorf("the trace shows the %s (or it is missing)", name)
		}
	}
	if strings.Contains(trace, strings.TrimSpace(refresh.stdout)) {
		t.Error("the trace shows the access token")
	}
	if !strings.Contains(trace, "code_verifier=%5Bredacted%5D") && !strings.Contains(trace, "code_verifier=[redacted]") {
		t.Errorf("the code exchange's verifier is not shown redacted:\n%s", trace)
	}
}

// A record in a format this latch cannot read means "sign in again": exit 2.
func TestCLIUnknownRecordFormatIsSignInRequired(t *testing.T) {
	op := authtest.StartProvider(t)
	c := newCLI(t)
	c.ok("tenant", "add", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)
	c.ok("login")
	if err := keyring.Set("latch", storedKey(t, c), `{"v":99}`); err != nil {
		t.Fatal(err)
	}
	if r := c.run("token"); r.code != 2 || !strings.Contains(r.stderr, "latch login") {
		t.Fatalf("unknown record format: exit %d %q", r.code, r.stderr)
	}
}

func storedKey(t *testing.T, c *cli) string {
	t.Helper()
	var rows []map[string]any
	json.Unmarshal([]byte(c.ok("status", "-o", "json").stdout), &rows)
	if len(rows) != 1 {
		t.Fatalf("want one session, have %d", len(rows))
	}
	return rows[0]["key"].(string)
}

func TestCLIMistypedCommandsGetDidYouMean(t *testing.T) {
	c := newCLI(t)
	for args, want := range map[string]string{
		"tokne":      "did you mean latch token?",
		"tenant lss": "did you mean latch tenant ls",
		"cache lss":  "did you mean latch cache ls",
	} {
		if r := c.run(strings.Fields(args)...); r.code != 1 || !strings.Contains(r.stderr, want) {
			t.Errorf("latch %s: exit %d %q, want 1 and %q", args, r.code, r.stderr, want)
		}
	}
}

// Over SSH the browser is elsewhere: the address it ends on, pasted into
// latch, completes the sign-in with the same checks as the redirect.
func TestCLIPastedRedirectSignsIn(t *testing.T) {
	op := authtest.StartProvider(t)
	c := newCLI(t)
	c.ok("tenant", "add", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)
	pr, pw := io.Pipe()
	defer pw.Close()
	var out, errb bytes.Buffer
	a := &app{streams: streams{pr, &out, &errb}, openBrowser: func(u string) error {
		go func() {
			landed, err := authtest.BrowseElsewhere(u, "alice")
			if err != nil {
				pw.CloseWithError(err)
				return
			}
			// A person pastes garbage first, then the real address.
			io.WriteString(pw, "not a url\n"+landed+"\n")
		}()
		return nil
	}}
	if code := a.run([]string{"login", "--paste"}); code != 0 {
		t.Fatalf("login with a pasted redirect: exit %d\n%s", code, errb.String())
	}
	for _, want := range []string{"paste the address", "That paste was not used", "Signed in to " + op.Issuer + " as Test alice"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("login output lacks %q:\n%s", want, errb.String())
		}
	}
	if r := c.run("token"); r.code != 0 {
		t.Fatalf("no session after the pasted sign-in: %q", r.stderr)
	}
}
