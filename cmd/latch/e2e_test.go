package main

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/latchdev/latch/auth/authtest"
	"github.com/zalando/go-keyring"
)

// The end-to-end tests run the built latch binary against oidc-provider,
// the real Secret Service and the test browser, as a user would.

var bins struct {
	once          sync.Once
	latch, browse string
	err           error
}

func buildBinaries(t *testing.T) (latch, browser string) {
	t.Helper()
	bins.once.Do(func() {
		dir, err := os.MkdirTemp("", "latch-e2e-bin")
		if err != nil {
			bins.err = err
			return
		}
		bins.latch, bins.browse = filepath.Join(dir, "latch"), filepath.Join(dir, "testbrowser")
		// latch-ui beside latch, where latch looks for it first.
		for pkg, out := range map[string]string{".": bins.latch, "../latch-ui": filepath.Join(dir, "latch-ui"),
			"../../auth/authtest/testbrowser": bins.browse} {
			if b, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput(); err != nil {
				bins.err = &buildError{pkg, string(b)}
				return
			}
		}
	})
	if bins.err != nil {
		t.Fatal(bins.err)
	}
	return bins.latch, bins.browse
}

type buildError struct{ pkg, out string }

func (e *buildError) Error() string { return "go build " + e.pkg + ": " + e.out }

// user is one person at a terminal: their own HOME, config and state.
type user struct {
	t       *testing.T
	latch   string
	home    string
	env     []string
	browser string
}

func newUser(t *testing.T, extraEnv ...string) *user {
	t.Helper()
	authtest.RequireKeyring(t)
	latch, browser := buildBinaries(t)
	home := t.TempDir()
	u := &user{t: t, latch: latch, home: home, browser: browser}
	u.env = append(os.Environ(),
		"HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_STATE_HOME="+filepath.Join(home, ".local", "state"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"BROWSER="+browser,
		"LATCH_TEST_BROWSER_LOG="+filepath.Join(t.TempDir(), "browser.log"),
		"NO_COLOR=1",
	)
	u.env = append(u.env, extraEnv...)
	return u
}

type result struct {
	stdout, stderr string
	code           int
}

func (u *user) run(args ...string) result {
	u.t.Helper()
	return u.runEnv(nil, args...)
}

func (u *user) runEnv(env []string, args ...string) result {
	u.t.Helper()
	cmd := exec.Command(u.latch, args...)
	cmd.Env = append(append([]string{}, u.env...), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		u.t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

func (u *user) ok(args ...string) result {
	u.t.Helper()
	r := u.run(args...)
	if r.code != 0 {
		u.t.Fatalf("latch %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// index reads the index file latch keeps.
func (u *user) index() map[string]any {
	u.t.Helper()
	b, err := os.ReadFile(filepath.Join(u.home, ".local", "state", "latch", "index.json"))
	if os.IsNotExist(err) {
		return map[string]any{}
	}
	if err != nil {
		u.t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		u.t.Fatal(err)
	}
	recs, _ := m["records"].(map[string]any)
	return recs
}

// secret reads a record straight from the keyring, as a test only may.
func secretRecord(t *testing.T, key string) map[string]any {
	t.Helper()
	s, err := keyring.Get("latch", key)
	if err != nil {
		t.Fatalf("keyring item %q: %v", key, err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func onlyKey(t *testing.T, recs map[string]any) string {
	t.Helper()
	if len(recs) != 1 {
		t.Fatalf("want one record in the index, got %d", len(recs))
	}
	for k := range recs {
		return k
	}
	return ""
}

func userinfoStatus(t *testing.T, issuer, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", issuer+"/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func refreshAt(t *testing.T, issuer, client, rt string) int {
	t.Helper()
	resp, err := http.PostForm(issuer+"/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {client}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestSignInEndToEnd(t *testing.T) {
	op := authtest.StartProvider(t)
	u := newUser(t)
	u.ok("tenant", "add", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)

	login := u.ok("login", "--tenant", "acme")
	for _, want := range []string{"Discovery", "Listening for the redirect on 127.0.0.1:", op.Issuer + "/auth?", "ES384", "Signed in to " + op.Issuer + " as Test alice <alice@example.test>"} {
		if !strings.Contains(login.stderr, want) {
			t.Errorf("login output lacks %q:\n%s", want, login.stderr)
		}
	}
	key := onlyKey(t, u.index())
	rec := secretRecord(t, key)
	firstRT, _ := rec["refresh_token"].(string)
	if firstRT == "" {
		t.Fatal("no refresh token stored: prompt=consent + offline_access should give one")
	}

	tok := strings.TrimSpace(u.ok("token", "--tenant", "acme").stdout)
	if got := userinfoStatus(t, op.Issuer, tok); got != 200 {
		t.Fatalf("provider's userinfo answered %d to the token latch printed", got)
	}

	claims := u.ok("claims", "--tenant", "acme").stdout
	for _, want := range []string{"verified: ES384", "sub ", "alice", "iss ", op.Issuer, "exp "} {
		if !strings.Contains(claims, want) {
			t.Errorf("claims lack %q:\n%s", want, claims)
		}
	}

	status := u.ok("status", "-o", "json").stdout
	var rows []map[string]any
	if err := json.Unmarshal([]byte(status), &rows); err != nil || len(rows) != 1 || rows[0]["profile"] != "acme" || rows[0]["refreshable"] != true || rows[0]["store"] != "keyring" {
		t.Fatalf("status -o json = %s (%v)", status, err)
	}

	op.ResetStats(t)
	again := strings.TrimSpace(u.ok("token", "--tenant", "acme").stdout)
	if again != tok {
		t.Error("second token differs from the cached one")
	}
	if n := op.Requests(t); n != 0 {
		t.Errorf("cached token made %d requests to the provider, want 0: %v", n, op.Stats(t))
	}

	refreshed := strings.TrimSpace(u.ok("token", "--tenant", "acme", "--force-refresh").stdout)
	if refreshed == tok {
		t.Error("forced refresh returned the same access token")
	}
	if n := op.Stats(t)["/oidc/token"]; n != 1 {
		t.Errorf("forced refresh made %d token requests, want 1 (discovery and keys come from the disk cache): %v", n, op.Stats(t))
	}
	secondRT, _ := secretRecord(t, key)["refresh_token"].(string)
	if secondRT == "" || secondRT == firstRT {
		t.Fatal("refresh did not store a rotated refresh token")
	}

	u.ok("logout", "--tenant", "acme")
	if got := refreshAt(t, op.Issuer, authtest.ClientES384, secondRT); got != 400 {
		t.Errorf("refresh token still works at the provider after logout (status %d)", got)
	}
	if _, err := keyring.Get("latch", key); err != keyring.ErrNotFound {
		t.Errorf("keyring item still there after logout: %v", err)
	}
	if r := u.run("token", "--tenant", "acme"); r.code != 2 || !strings.Contains(r.stderr, "sign-in required") {
		t.Errorf("token after logout: exit %d, %q; want exit 2 and sign-in required", r.code, r.stderr)
	}
	assertNoSecretUnder(t, u.home, tok, refreshed, firstRT, secondRT)
}

func assertNoSecretUnder(t *testing.T, dir string, secrets ...string) {
	t.Helper()
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return nil
		}
		b, _ := os.ReadFile(p)
		for _, s := range secrets {
			if s != "" && bytes.Contains(b, []byte(s)) {
				t.Errorf("%s contains a token", p)
			}
		}
		return nil
	})
}

func TestLoginDeniedKeepsCache(t *testing.T) {
	op := authtest.StartProvider(t)
	u := newUser(t)
	u.ok("login", "--issuer", op.Issuer, "--client-id", authtest.ClientRS256, "--tenant", "old")
	before := u.index()
	r := u.runEnv([]string{"LATCH_TEST_DENY=1"}, "login", "--issuer", op.Issuer, "--client-id", authtest.ClientRS256, "--tenant", "old")
	if r.code != 1 || !strings.Contains(r.stderr, "denied") {
		t.Fatalf("denied login: exit %d, stderr %q", r.code, r.stderr)
	}
	if lines := strings.Count(strings.TrimSpace(r.stderr[strings.Index(r.stderr, "latch:"):]), "\n"); lines != 0 {
		t.Errorf("error is not one line: %q", r.stderr)
	}
	after := u.index()
	if len(before) != 1 || len(after) != 1 || onlyKey(t, before) != onlyKey(t, after) {
		t.Fatalf("a denied sign-in changed the cache: before %v after %v", before, after)
	}
	// The RS256 client's session still works.
	u.ok("token", "--issuer", op.Issuer, "--client-id", authtest.ClientRS256, "--tenant", "old")
	if c := u.ok("claims", "--issuer", op.Issuer, "--client-id", authtest.ClientRS256, "--tenant", "old").stdout; !strings.Contains(c, "verified: RS256") {
		t.Errorf("RS256 client claims: %s", c)
	}
}

func TestConcurrentRefreshIsOne(t *testing.T) {
	op := authtest.StartProvider(t, "ACCESS_TTL=6")
	u := newUser(t)
	u.ok("tenant", "add", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)
	u.ok("login", "--tenant", "acme")
	key := onlyKey(t, u.index())
	// Wait for the provider's 6 s access token to expire.
	deadline := time.Now().Add(15 * time.Second)
	for !u.tokenExpired(key) {
		if time.Now().After(deadline) {
			t.Fatal("the access token never expired")
		}
		time.Sleep(100 * time.Millisecond)
	}
	op.ResetStats(t)
	var wg sync.WaitGroup
	results := make([]result, 8)
	for i := range results {
		wg.Add(1)
		go func() { defer wg.Done(); results[i] = u.run("token", "--tenant", "acme", "--min-ttl", "0s") }()
	}
	wg.Wait()
	for i, r := range results {
		if r.code != 0 {
			t.Fatalf("process %d: exit %d: %s", i, r.code, r.stderr)
		}
		if got := userinfoStatus(t, op.Issuer, strings.TrimSpace(r.stdout)); got != 200 {
			t.Errorf("process %d printed a token the provider refuses (%d)", i, got)
		}
	}
	if n := op.Stats(t)["/oidc/token"]; n != 1 {
		t.Errorf("8 processes made %d refresh requests, want 1", n)
	}
	rt, _ := secretRecord(t, key)["refresh_token"].(string)
	if got := refreshAt(t, op.Issuer, authtest.ClientES384, rt); got != 200 {
		t.Errorf("the grant died: the stored refresh token is refused (%d)", got)
	}
}

func (u *user) tokenExpired(key string) bool {
	e, _ := u.index()[key].(map[string]any)
	auds, _ := e["audiences"].([]any)
	if len(auds) == 0 {
		return false
	}
	exp, _ := auds[0].(map[string]any)["expiry"].(string)
	tm, err := time.Parse(time.RFC3339Nano, exp)
	return err == nil && time.Now().After(tm)
}

func TestNoKeyringFailsBeforeTheBrowser(t *testing.T) {
	op := authtest.StartProvider(t)
	u := newUser(t, "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(t.TempDir(), "nobody"), "LATCH_KEYRING_TIMEOUT=1s")
	start := time.Now()
	r := u.run("login", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)
	if r.code != 1 || !strings.Contains(r.stderr, "no OS keyring is reachable") || !strings.Contains(r.stderr, "--store file") || strings.Count(r.stderr, "\n") > 2 {
		t.Fatalf("exit %d, stderr %q: want what happened and the fix, in two lines at most", r.code, r.stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
	if len(u.index()) != 0 {
		t.Error("something was written to the index")
	}
	if n := op.Requests(t); n != 0 {
		t.Errorf("the provider was contacted %d times although the tokens could not be kept", n)
	}
	// Asked for, the file store works, and says what it is.
	u.ok("login", "--issuer", op.Issuer, "--client-id", authtest.ClientES384, "--store", "file")
	if s := u.ok("status", "--store", "file").stdout; !strings.Contains(s, "file store, not encrypted") {
		t.Errorf("status does not say the store is unencrypted: %s", s)
	}
}

func TestHungKeyringTimesOut(t *testing.T) {
	op := authtest.StartProvider(t)
	u := newUser(t)
	u.ok("login", "--issuer", op.Issuer, "--client-id", authtest.ClientES384, "--tenant", "acme")
	// A bus that accepts connections and never answers.
	sock := filepath.Join(t.TempDir(), "bus")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		var conns []net.Conn
		for {
			c, err := ln.Accept()
			if err != nil {
				for _, c := range conns {
					c.Close()
				}
				return
			}
			conns = append(conns, c)
		}
	}()
	start := time.Now()
	r := u.runEnv([]string{"DBUS_SESSION_BUS_ADDRESS=unix:path=" + sock, "LATCH_KEYRING_TIMEOUT=500ms"},
		"token", "--issuer", op.Issuer, "--client-id", authtest.ClientES384, "--tenant", "acme")
	if r.code != 1 || !strings.Contains(r.stderr, "did not answer in time") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("a hung keyring froze latch for %s", d)
	}
	// The session is untouched.
	u.ok("token", "--issuer", op.Issuer, "--client-id", authtest.ClientES384, "--tenant", "acme")
}

func TestResourceTokensChunkedInKeyring(t *testing.T) {
	op := authtest.StartProvider(t)
	u := newUser(t, "LATCH_KEYRING_LIMIT=1024")
	u.ok("tenant", "add", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientES384, "--resource", authtest.Resource)
	u.ok("login", "--tenant", "acme", "--scope", "openid,profile,email,offline_access,read:data")
	key := onlyKey(t, u.index())
	e := u.index()[key].(map[string]any)
	if chunks, _ := e["chunks"].(float64); chunks < 2 {
		t.Fatalf("record of %v bytes stored in %v chunks with a 1 KiB limit", e["size"], e["chunks"])
	}
	jwt := strings.TrimSpace(u.ok("token", "--tenant", "acme", "--resource", authtest.Resource).stdout)
	if strings.Count(jwt, ".") != 2 {
		t.Fatalf("resource token is not a JWT: %.20s…", jwt)
	}
	if def := strings.TrimSpace(u.ok("token", "--tenant", "acme").stdout); def != jwt {
		t.Error("with no --resource, latch token should give the profile's resource token")
	}
	out := u.ok("claims", "--tenant", "acme", "--access", "--resource", authtest.Resource, "-o", "json").stdout
	var c struct {
		Verified bool           `json:"verified"`
		Alg      string         `json:"alg"`
		Claims   map[string]any `json:"claims"`
	}
	if err := json.Unmarshal([]byte(out), &c); err != nil || !c.Verified || c.Alg != "ES384" || c.Claims["aud"] != authtest.Resource || !strings.Contains(c.Claims["scope"].(string), "read:data") {
		t.Fatalf("access token claims: %s (%v)", out, err)
	}
	op.ResetStats(t)
	u.ok("token", "--tenant", "acme", "--resource", authtest.Resource)
	if n := op.Requests(t); n != 0 {
		t.Errorf("cached resource token made %d requests", n)
	}
	u.ok("logout", "--tenant", "acme")
	if _, err := keyring.Get("latch", key); err != keyring.ErrNotFound {
		t.Errorf("main item left after logout: %v", err)
	}
}

func TestDemoScriptOnEmptyHome(t *testing.T) {
	u := newUser(t)
	r := u.run("demo", "--script")
	if r.code != 0 {
		t.Fatalf("demo: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"tokens in the keyring (service latch-demo)", "served from the cache with 0 requests", "in 1 request(s); the refresh token rotated",
		"keyed by the real tenant", "tid=" + "11111111-1111-4111-8111-111111111111", "All steps worked"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo report lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "✗") {
		t.Errorf("a demo step failed:\n%s", r.stdout)
	}
	if _, err := os.Stat(filepath.Join(u.home, ".config", "latch")); !os.IsNotExist(err) {
		t.Error("the demo wrote into the user's config")
	}
}

func TestTwoTenantsAndLogoutAll(t *testing.T) {
	op := authtest.StartProvider(t)
	u := newUser(t)
	u.ok("tenant", "add", "es", "--issuer", op.Issuer, "--client-id", authtest.ClientES384, "--default")
	u.ok("tenant", "add", "rs", "--issuer", op.Issuer, "--client-id", authtest.ClientRS256)
	if ls := u.ok("tenant", "ls").stdout; !strings.Contains(ls, "*es") || !strings.Contains(ls, "rs ") {
		t.Fatalf("tenant ls:\n%s", ls)
	}
	u.ok("login") // the default tenant
	u.ok("login", "--tenant", "rs")
	es := strings.TrimSpace(u.ok("token").stdout)
	rs := strings.TrimSpace(u.ok("token", "--tenant", "rs").stdout)
	if es == rs || len(u.index()) != 2 {
		t.Fatalf("two clients should give two records and two tokens (%d records)", len(u.index()))
	}
	if st := u.ok("status").stdout; !strings.Contains(st, "*es") || !strings.Contains(st, "*rs") {
		t.Errorf("status:\n%s", st)
	}
	u.ok("logout", "--tenant", "rs")
	if got := strings.TrimSpace(u.ok("token").stdout); got != es {
		t.Error("logout of one tenant changed the other's token")
	}
	u.ok("logout", "--all")
	if len(u.index()) != 0 {
		t.Errorf("records left after logout --all: %v", u.index())
	}
	u.ok("tenant", "rm", "rs")
	if r := u.run("login", "--tenant", "rs"); r.code != 1 || !strings.Contains(r.stderr, "latch tenant add rs") || !strings.Contains(r.stderr, "did you mean es?") {
		t.Errorf("login to a removed tenant: %d %q", r.code, r.stderr)
	}
}

func TestNoTerminalPrintsStatus(t *testing.T) {
	op := authtest.StartProvider(t)
	u := newUser(t)
	// Like gh auth status: no session anywhere is exit 2.
	if r := u.run(); r.code != 2 || !strings.Contains(r.stderr, "not signed in anywhere") {
		t.Fatalf("latch with no terminal: %d %q %q", r.code, r.stdout, r.stderr)
	}
	u.ok("login", "--issuer", op.Issuer, "--client-id", authtest.ClientES384, "--tenant", "acme")
	if r := u.ok(); !strings.Contains(r.stdout, "PROFILE") || !strings.Contains(r.stdout, "acme") {
		t.Fatalf("latch with no terminal should print the status: %q", r.stdout)
	}
}

func TestDemoWithoutKeyringUsesMemoryAndSaysSo(t *testing.T) {
	u := newUser(t, "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(t.TempDir(), "nobody"), "LATCH_KEYRING_TIMEOUT=1s")
	r := u.run("demo", "--script")
	if r.code != 0 || !strings.Contains(r.stderr, "kept in memory") || !strings.Contains(r.stdout, "tokens in the memory") || !strings.Contains(r.stdout, "All steps worked") {
		t.Fatalf("demo with no keyring: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestCtrlCCancelsLoginAndFreesThePort(t *testing.T) {
	op := authtest.StartProvider(t)
	u := newUser(t, "BROWSER=true") // a browser that never signs in
	cmd := exec.Command(u.latch, "login", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)
	cmd.Env = u.env
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	var out strings.Builder
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := stderr.Read(buf)
			out.Write(buf[:n])
			if m := regexp.MustCompile(`redirect on (127\.0\.0\.1:\d+)`).FindStringSubmatch(out.String()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
			if err != nil {
				return
			}
		}
	}()
	var a string
	select {
	case a = <-addr:
	case <-time.After(15 * time.Second):
		t.Fatal("login never listened")
	}
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 || !strings.Contains(out.String(), "interrupted") {
		t.Fatalf("login after Ctrl-C: %v (want exit 130 saying it was interrupted)\n%s", err, out.String())
	}
	ln, err := net.Listen("tcp", a)
	if err != nil {
		t.Fatalf("port %s still busy after Ctrl-C: %v", a, err)
	}
	ln.Close()
	if len(u.index()) != 0 {
		t.Error("a cancelled login wrote to the index")
	}
}

func TestLocalhostRedirectJSONTokenAndEndSession(t *testing.T) {
	op := authtest.StartProvider(t)
	u := newUser(t)
	log := filepath.Join(t.TempDir(), "browser.log")
	u.env = append(u.env, "LATCH_TEST_BROWSER_LOG="+log)
	login := u.ok("login", "--tenant", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientES384, "--redirect-host", "localhost")
	if !strings.Contains(login.stderr, "redirect_uri=http%3A%2F%2Flocalhost%3A") {
		t.Fatalf("the redirect URI does not use localhost:\n%s", login.stderr)
	}
	var tok map[string]any
	out := u.ok("token", "--tenant", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientES384, "-o", "json").stdout
	if err := json.Unmarshal([]byte(out), &tok); err != nil || tok["token"] == "" || tok["tenant"] != op.Issuer || tok["expiry"] == nil {
		t.Fatalf("token -o json: %s (%v)", out, err)
	}
	op.ResetStats(t)
	out = u.ok("logout", "--tenant", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientES384, "--end-session").stderr
	if !strings.Contains(out, "Sent the browser to the provider's end-session page") {
		t.Errorf("logout --end-session said:\n%s", out)
	}
	// The launcher was given a loopback address, never one with the ID
	// token; it redirected the browser to the provider's end-session page,
	// which the provider served (no error page).
	b, _ := os.ReadFile(log)
	m := regexp.MustCompile(`open (http://127\.0\.0\.1:\d+/logout/\S+)\n(.*)`).FindSubmatch(b)
	if m == nil || strings.Contains(string(m[1]), "eyJ") || strings.HasPrefix(string(m[2]), "error") {
		t.Fatalf("the browser was not given the loopback sign-out address, saw a token, or hit an error; log:\n%s", b)
	}
	if n := op.Stats(t)["/oidc/session/end"]; n == 0 {
		t.Errorf("the provider's end-session endpoint was never reached: %v", op.Stats(t))
	}
}

func TestDeviceFlowAgainstOIDCProvider(t *testing.T) {
	op := authtest.StartProvider(t)
	u := newUser(t)
	r := u.ok("login", "--issuer", op.Issuer, "--client-id", authtest.ClientES384, "--tenant", "acme", "--device")
	if !strings.Contains(r.stderr, "and enter the code") || strings.Contains(r.stderr, "Listening for the redirect") {
		t.Fatalf("device login output:\n%s", r.stderr)
	}
	tok := strings.TrimSpace(u.ok("token", "--issuer", op.Issuer, "--client-id", authtest.ClientES384, "--tenant", "acme").stdout)
	if got := userinfoStatus(t, op.Issuer, tok); got != 200 {
		t.Fatalf("the provider refuses the device-flow token (%d)", got)
	}
	if c := u.ok("claims", "--issuer", op.Issuer, "--client-id", authtest.ClientES384, "--tenant", "acme").stdout; !strings.Contains(c, "verified: ES384") {
		t.Errorf("claims after device flow: %s", c)
	}
}
