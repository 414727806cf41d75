package tui

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/latchdev/latch/auth"
)

var now = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	time.Local = time.UTC
	os.Exit(m.Run())
}

// fakeBackend answers with fixed data: the UI's own behaviour is under
// test here; the real engine is driven through tmux in cmd/latch.
type fakeBackend struct {
	tenants   []Tenant
	removed   []string
	added     []NewTenant
	signOuts  int
	signInErr error
	// block makes SignIn wait for its context (a browser nobody uses).
	block bool
	// jwks verifies what Inspect is given; inspected records the tenants
	// it was asked for. addErr fails AddTenant unless forced.
	jwks      []byte
	inspected []string
	addErr    error
}

func newFake() *fakeBackend {
	return &fakeBackend{tenants: []Tenant{
		{Name: "acme", Issuer: "https://acme.logto.app/oidc", State: SignedIn, Account: "Ada Lovelace <ada@acme.dev>", Expires: now.Add(59 * time.Minute), Store: "keyring"},
		{Name: "globex", Issuer: "https://globex.logto.app/oidc", State: ExpiredRefreshable, Account: "Grace Hopper", Expires: now.Add(-5 * time.Minute), Store: "keyring"},
		{Name: "contoso", Issuer: "https://login.microsoftonline.com/common/v2.0"},
	}}
}

func (f *fakeBackend) Tenants(context.Context) ([]Tenant, error) { return f.tenants, nil }
func (f *fakeBackend) SignIn(ctx context.Context, tenant string, device bool, progress func(auth.Step)) (*Session, error) {
	progress(auth.Step{Kind: auth.StepDiscovery, Detail: "https://acme.logto.app/oidc"})
	if device {
		progress(auth.Step{Kind: auth.StepDeviceCode, URL: "https://acme.logto.app/oidc/device?user_code=WDJB-MJHT", Detail: "WDJB-MJHT", Deadline: now.Add(10 * time.Minute)})
		<-ctx.Done()
		return nil, fmt.Errorf("sign-in cancelled: %w", ctx.Err())
	}
	progress(auth.Step{Kind: auth.StepListener, Detail: "127.0.0.1:40117"})
	progress(auth.Step{Kind: auth.StepBrowser, URL: "https://acme.logto.app/oidc/auth?client_id=abc&state=xyz"})
	progress(auth.Step{Kind: auth.StepWaiting, Deadline: now.Add(5 * time.Minute)})
	if f.block {
		<-ctx.Done()
		return nil, fmt.Errorf("sign-in cancelled: %w", ctx.Err())
	}
	if f.signInErr != nil {
		return nil, f.signInErr
	}
	return f.Session(ctx, tenant)
}
func (f *fakeBackend) Session(context.Context, string) (*Session, error) {
	return &Session{Tenant: "acme", Issuer: "https://acme.logto.app/oidc", Name: "Ada Lovelace", Email: "ada@acme.dev", Subject: "u-ada",
		Expires: now.Add(59 * time.Minute), Scopes: []string{"openid", "profile", "email", "offline_access"}, Refreshable: true,
		Store: "keyring", Key: "latch/v1 tenant=27:https://acme.logto.app/oidc client=3:abc sub=5:u-ada"}, nil
}
func (f *fakeBackend) Refresh(ctx context.Context, t string) (*Session, error) {
	return f.Session(ctx, t)
}
func (f *fakeBackend) SignOut(context.Context, string) error               { f.signOuts++; return nil }
func (f *fakeBackend) AccessToken(context.Context, string) (string, error) { return "at-secret", nil }
func (f *fakeBackend) Claims(context.Context, string) (*Claims, error) {
	id := &auth.Identity{Issuer: "https://acme.logto.app/oidc", Subject: "u-ada", Algorithm: "ES384", KeyID: "k1", Claims: map[string]any{
		"iss": "https://acme.logto.app/oidc", "sub": "u-ada", "aud": "abc", "exp": float64(now.Add(time.Hour).Unix()),
		"iat": float64(now.Unix()), "name": "Ada Lovelace", "email": "ada@acme.dev", "username": "ada",
		"roles": []any{"admin"}, "organizations": []any{"org-1"},
	}}
	return &Claims{
		ID:       Token{Identity: id, Header: "{\n  \"alg\": \"ES384\",\n  \"kid\": \"k1\"\n}", Payload: "{\n  \"sub\": \"u-ada\",\n  \"name\": \"Ada Lovelace\",\n  \"email\": \"ada@acme.dev\"\n}"},
		Access:   Token{Opaque: true, OpaqueHint: "Logto issues an opaque token for userinfo only: ask for an API resource to get a JWT."},
		Userinfo: map[string]any{"sub": "u-ada", "email": "ada@acme.dev"},
	}, nil
}
func (f *fakeBackend) Cache(context.Context) ([]CacheEntry, error) {
	return []CacheEntry{{Key: "latch/v1 tenant=27:https://acme.logto.app/oidc client=3:abc sub=5:u-ada", Tenant: "https://acme.logto.app/oidc",
		Account: "Ada Lovelace <ada@acme.dev>", Audiences: []string{"default", "resource=20:https://api.acme.dev org=0: scopes=0:"}, Size: 2311, Chunks: 1,
		Expires: now.Add(59 * time.Minute), Store: "keyring"}}, nil
}
func (f *fakeBackend) DeleteCache(context.Context, string) error { return nil }
func (f *fakeBackend) Explain(context.Context, string) (*Explanation, error) {
	return &Explanation{Key: "latch/v1 tenant=27:https://acme.logto.app/oidc client=3:abc sub=5:u-ada", Hit: true, Verdict: "hit",
		Reason: "served from the keyring with no request", Fields: []ExplainField{
			{"tenant", "https://acme.logto.app/oidc", "profile acme (issuer)"}, {"account", "u-ada", "the profile's current account"}}}, nil
}
func (f *fakeBackend) AddTenant(t NewTenant) error {
	if f.addErr != nil && !t.Force {
		return f.addErr
	}
	f.added = append(f.added, t)
	return nil
}
func (f *fakeBackend) Inspect(ctx context.Context, tenant, token string) (*auth.Inspection, error) {
	f.inspected = append(f.inspected, tenant)
	return auth.Inspect(ctx, token, auth.InspectOptions{JWKS: f.jwks})
}
func (f *fakeBackend) RemoveTenant(n string) error { f.removed = append(f.removed, n); return nil }

func newModel(b Backend, w, h int) Model {
	m := New(context.Background(), Options{Backend: b, NoColor: true, Dark: true, Now: func() time.Time { return now }})
	m = send(m, tea.WindowSizeMsg{Width: w, Height: h})
	return run(m, m.loadTenants())
}

func send(m Model, msg tea.Msg) Model {
	next, cmd := m.Update(msg)
	return run(next.(Model), cmd)
}

// run executes a command and feeds its messages back, as the program would,
// skipping timers so that tests end.
func run(m Model, cmd tea.Cmd) Model {
	if cmd == nil {
		return m
	}
	// A command still running after 200ms is a timer (spinner, blink):
	// abandon it.
	got := make(chan tea.Msg, 1)
	go func() { got <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-got:
	case <-time.After(200 * time.Millisecond):
		return m
	}
	switch msg := msg.(type) {
	case nil, tickMsg, spinner.TickMsg:
		return m
	case tea.BatchMsg:
		for _, c := range msg {
			m = run(m, c)
		}
		return m
	}
	// Timers (cursor blink) and terminal queries have no answer here.
	if name := strings.ToLower(fmt.Sprintf("%T", msg)); strings.Contains(name, "blink") || name == "tea.backgroundcolormsg" {
		return m
	}
	next, cmd2 := m.Update(msg)
	return run(next.(Model), cmd2)
}

func press(s string) tea.Msg {
	switch s {
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

func screenText(m Model) string { return ansi.Strip(m.View().Content) }

func TestScreensGolden(t *testing.T) {
	for _, size := range [][2]int{{60, 15}, {80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m := newModel(newFake(), size[0], size[1])
			t.Run("tenants", func(t *testing.T) { golden.RequireEqual(t, screenText(m)) })
			ses := send(m, press("tab"))
			t.Run("session", func(t *testing.T) { golden.RequireEqual(t, screenText(ses)) })
			cl := send(ses, press("tab"))
			t.Run("claims", func(t *testing.T) { golden.RequireEqual(t, screenText(cl)) })
			t.Run("claims_raw", func(t *testing.T) { golden.RequireEqual(t, screenText(send(cl, press("v")))) })
			ca := send(cl, press("tab"))
			t.Run("cache", func(t *testing.T) { golden.RequireEqual(t, screenText(ca)) })
			t.Run("help", func(t *testing.T) { golden.RequireEqual(t, screenText(send(m, press("?")))) })
			f := newFake()
			f.signInErr = &auth.ProviderError{Code: "access_denied"}
			failed := send(send(newModel(f, size[0], size[1]), press("down")), press("down"))
			failed = send(failed, press("enter"))
			t.Run("signin_error", func(t *testing.T) { golden.RequireEqual(t, screenText(failed)) })
			waiting := m
			waiting.screen, waiting.focus = screenSignIn, "acme"
			waiting.signin = signinModel{tenant: "acme", events: make(chan tea.Msg), spin: spinner.New(spinner.WithSpinner(spinner.MiniDot)),
				url:      "https://acme.logto.app/oidc/auth?client_id=abc&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=xyz",
				deadline: now.Add(4*time.Minute + 58*time.Second), steps: map[auth.StepKind]auth.Step{
					auth.StepDiscovery: {Kind: auth.StepDiscovery, Detail: "https://acme.logto.app/oidc"},
					auth.StepListener:  {Kind: auth.StepListener, Detail: "127.0.0.1:40117"},
					auth.StepBrowser:   {Kind: auth.StepBrowser},
					auth.StepWaiting:   {Kind: auth.StepWaiting},
				}}
			t.Run("signin_waiting", func(t *testing.T) { golden.RequireEqual(t, screenText(waiting)) })
		})
	}
}

func TestTabCyclesScreens(t *testing.T) {
	m := newModel(newFake(), 80, 24)
	want := []screen{screenSession, screenClaims, screenCache, screenInspect, screenTenants}
	for _, w := range want {
		m = send(m, press("tab"))
		if m.screen != w {
			t.Fatalf("tab went to %d, want %d", m.screen, w)
		}
	}
	if m = send(m, press("shift+tab")); m.screen != screenInspect {
		t.Fatalf("shift+tab went to %d", m.screen)
	}
	if !strings.Contains(screenText(m), "tenant: acme") {
		t.Error("header does not show the tenant in focus")
	}
}

func TestSignInTicksStepsThenShowsSession(t *testing.T) {
	m := newModel(newFake(), 100, 30)
	m = send(m, press("down"))
	m = send(m, press("down")) // contoso: signed out
	m = send(m, press("enter"))
	if m.screen != screenSession || m.session.s == nil || m.session.s.Subject != "u-ada" {
		t.Fatalf("after sign-in: screen %d, session %+v", m.screen, m.session.s)
	}
	for _, k := range []auth.StepKind{auth.StepDiscovery, auth.StepListener, auth.StepBrowser, auth.StepWaiting} {
		if _, ok := m.signin.steps[k]; !ok {
			t.Errorf("step %d was not ticked", k)
		}
	}
}

func TestEscCancelsARunningSignIn(t *testing.T) {
	f := newFake()
	f.block = true
	m := newModel(f, 100, 30)
	m = send(m, press("down"))
	m = send(m, press("down"))
	// Start the sign-in and feed its first step: it is now waiting.
	m = startSignIn(m, "enter", func(m Model) bool { return len(m.signin.steps) > 0 })
	if !m.signin.running() {
		t.Fatal("sign-in is not running")
	}
	m = cancelSignIn(m)
	if m.signin.running() || !strings.Contains(m.signin.err, "cancelled") {
		t.Fatalf("after esc: running %v, err %q", m.signin.running(), m.signin.err)
	}
	if !strings.Contains(screenText(m), "Press r") {
		t.Error("the error screen does not offer a retry")
	}
}

func TestClaimsFilterAndCopy(t *testing.T) {
	m := newModel(newFake(), 100, 30)
	m = send(send(m, press("tab")), press("tab"))
	all := len(m.claimRows())
	m = send(m, press("/"))
	for _, r := range "org" {
		m = send(m, press(string(r)))
	}
	rows := m.claimRows()
	if len(rows) != 1 || rows[0].name != "organizations" || all < 5 {
		t.Fatalf("filter 'org': %v of %d", rows, all)
	}
	m = send(m, press("enter"))
	_, cmd := m.Update(press("y"))
	if cmd == nil {
		t.Fatal("y did not copy")
	}
	found := false
	for _, c := range cmd().(tea.BatchMsg) {
		if fmt.Sprintf("%T", c()) == "tea.setClipboardMsg" {
			found = true
		}
	}
	if !found {
		t.Error("y did not set the clipboard")
	}
	if !strings.Contains(screenText(m), "Logto organizations") {
		t.Error("the meaning of a Logto claim is not shown")
	}
}

func TestRawViewScrolls(t *testing.T) {
	m := newModel(newFake(), 80, 12)
	m = send(send(m, press("tab")), press("tab"))
	m = send(m, press("v"))
	if !strings.Contains(screenText(m), "header") {
		t.Fatalf("raw view:\n%s", screenText(m))
	}
	for range 4 {
		m = send(m, press("down"))
	}
	if strings.Contains(screenText(m), "header") {
		t.Fatalf("raw view did not scroll:\n%s", screenText(m))
	}
}

func TestDeleteTenantAsksFirst(t *testing.T) {
	f := newFake()
	m := newModel(f, 80, 24)
	m = send(m, press("d"))
	if !strings.Contains(screenText(m), "Delete tenant acme") || len(f.removed) != 0 {
		t.Fatal("d did not ask first")
	}
	m = send(m, press("n"))
	m = send(m, press("d"))
	send(m, press("y"))
	if len(f.removed) != 1 || f.removed[0] != "acme" {
		t.Fatalf("removed %v", f.removed)
	}
}

func TestAddTenantForm(t *testing.T) {
	f := newFake()
	m := newModel(f, 80, 24)
	m = send(m, press("a"))
	typeIn := func(s string) {
		for _, r := range s {
			m = send(m, press(string(r)))
		}
	}
	typeIn("dev")
	m = send(m, press("tab"))
	typeIn("https://dev.logto.app/oidc")
	m = send(m, press("enter"))
	m = send(m, press("enter")) // empty client id: one more field, then submit fails
	m = send(m, press("enter"))
	if len(f.added) != 0 || !strings.Contains(screenText(m), "are needed") {
		t.Fatalf("submitted without a client id: %v", f.added)
	}
	m = send(m, press("shift+tab"))
	typeIn("app1")
	m = send(m, press("tab"))
	m = send(m, press("enter"))
	if len(f.added) != 1 || f.added[0] != (NewTenant{Name: "dev", Issuer: "https://dev.logto.app/oidc", ClientID: "app1"}) {
		t.Fatalf("added %+v", f.added)
	}
}

func TestSignOutAsksThenGoesToTenants(t *testing.T) {
	f := newFake()
	m := send(newModel(f, 80, 24), press("tab"))
	m = send(m, press("o"))
	if f.signOuts != 0 || !strings.Contains(screenText(m), "Sign out of acme?") {
		t.Fatal("o did not ask first")
	}
	m = send(m, press("y"))
	if f.signOuts != 1 || m.screen != screenTenants || !strings.Contains(screenText(m), "Signed out of acme") {
		t.Fatalf("sign-out: %d calls, screen %d", f.signOuts, m.screen)
	}
}

func TestQuitCancelsSignIn(t *testing.T) {
	called := false
	m := newModel(newFake(), 80, 24)
	m.signin.stop = func() { called = true }
	_, cmd := m.Update(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	if !called || cmd == nil {
		t.Fatal("ctrl+c did not cancel the sign-in and quit")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("ctrl+c did not quit")
	}
}

// clipboard runs a command and returns what it would put on the clipboard.
func clipboard(t *testing.T, m Model, cmd tea.Cmd) string {
	t.Helper()
	for cmd != nil {
		switch msg := cmd().(type) {
		case tea.BatchMsg:
			for _, c := range msg {
				if v := clipboard(t, m, c); v != "" {
					return v
				}
			}
			return ""
		case copyMsg:
			_, cmd = m.Update(msg)
		default:
			if fmt.Sprintf("%T", msg) == "tea.setClipboardMsg" {
				return fmt.Sprint(msg)
			}
			return ""
		}
	}
	return ""
}

func TestCopiesGoToTheClipboard(t *testing.T) {
	m := send(newModel(newFake(), 80, 24), press("tab"))
	_, cmd := m.Update(press("t"))
	if got := clipboard(t, m, cmd); got != "at-secret" {
		t.Errorf("t copied %q, want the access token", got)
	}
	if strings.Contains(screenText(m), "at-secret") {
		t.Error("the access token is on the screen")
	}
	f := newFake()
	f.block = true
	s := newModel(f, 100, 30)
	s = startSignIn(send(send(s, press("down")), press("down")), "enter", func(m Model) bool { return m.signin.url != "" })
	_, cmd = s.Update(press("c"))
	if got := clipboard(t, s, cmd); !strings.Contains(got, "client_id=abc") {
		t.Errorf("c copied %q, want the sign-in URL", got)
	}
	s.signin.cancel()
}

func TestDeviceSignInShowsTheCode(t *testing.T) {
	m := startSignIn(newModel(newFake(), 100, 30), "D", func(m Model) bool { return m.signin.code != "" })
	s := screenText(m)
	for _, want := range []string{"with a device code", "On any device, open", "device?user_code=WDJB-MJHT", "WDJB-MJHT", "Waiting for approval", "10m00s left"} {
		if !strings.Contains(s, want) {
			t.Errorf("device sign-in screen lacks %q:\n%s", want, s)
		}
	}
	m = cancelSignIn(m)
	if !strings.Contains(m.signin.err, "cancelled") {
		t.Fatalf("esc did not cancel the device sign-in: %q", m.signin.err)
	}
}

// startSignIn presses key and feeds the sign-in's events one by one, as the
// program would, until until holds.
func startSignIn(m Model, key string, until func(Model) bool) Model {
	next, cmd := m.Update(press(key))
	m = next.(Model)
	next, _ = m.Update(cmd().(tea.BatchMsg)[0]())
	m = next.(Model)
	for !until(m) {
		next, _ = m.Update(<-m.signin.events)
		m = next.(Model)
	}
	return m
}

// cancelSignIn presses esc and feeds events until the backend, seeing its
// context cancelled, reports the sign-in done.
func cancelSignIn(m Model) Model {
	next, _ := m.Update(press("esc"))
	m = next.(Model)
	for msg := range m.signin.events {
		next, _ = m.Update(msg)
		m = next.(Model)
		if _, ok := msg.(signInDoneMsg); ok {
			break
		}
	}
	return m
}

// A list cursor never leaves its list, even an empty one.
func TestCursorsStayInTheirLists(t *testing.T) {
	f := newFake()
	f.tenants = nil
	m := newModel(emptyCache{f}, 80, 24)
	m = send(m, press("down"))
	m = send(m, press("d"))
	m = send(send(send(m, press("tab")), press("tab")), press("tab")) // cache, empty
	m = send(m, press("down"))
	m = send(m, press("x"))
	if m.cache.cursor != 0 || m.tenants.cursor != 0 || m.cache.confirm != "" {
		t.Fatalf("cursors left their lists: tenants %d, cache %d", m.tenants.cursor, m.cache.cursor)
	}
}

// emptyCache is a backend with nothing stored.
type emptyCache struct{ *fakeBackend }

func (emptyCache) Cache(context.Context) ([]CacheEntry, error) { return nil, nil }
