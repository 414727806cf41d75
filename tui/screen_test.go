package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/tokencache"
)

// While help is open, keys that act on the screen behind it do nothing.
func TestHelpIsModal(t *testing.T) {
	f := newFake()
	m := send(newModel(f, 80, 24), press("tab")) // session
	m = send(m, press("?"))
	before := screenText(m)
	for _, k := range []string{"o", "y", "x", "d", "enter", "tab", "r", "t", "c", "l", "a", "D", "v"} {
		next, cmd := m.Update(press(k))
		m = next.(Model)
		if cmd != nil {
			t.Errorf("%s behind help returned a command", k)
		}
	}
	if f.signOuts != 0 || m.screen != screenSession || m.session.confirm || !m.showHelp {
		t.Fatalf("keys reached the screen behind help: sign-outs %d, screen %d, confirm %v, help %v", f.signOuts, m.screen, m.session.confirm, m.showHelp)
	}
	if screenText(m) != before {
		t.Errorf("the screen changed under help:\n%s", screenText(m))
	}
	// q closes help and does not quit.
	next, cmd := m.Update(press("q"))
	if m = next.(Model); m.showHelp || cmd != nil {
		t.Fatalf("q in help: help %v, command %v", m.showHelp, cmd != nil)
	}
	for _, k := range []string{"esc", "?"} {
		if m = send(send(m, press("?")), press(k)); m.showHelp {
			t.Errorf("%s did not close help", k)
		}
	}
	if m = send(m, press("o")); !m.session.confirm {
		t.Error("o does not work once help is closed")
	}
}

func TestHelpScrollsOnASmallTerminal(t *testing.T) {
	m := send(newModel(newFake(), 60, 15), press("?"))
	s := screenText(m)
	if !strings.Contains(s, "↓ more") || strings.Contains(s, "quit") && !strings.Contains(lastLine(s), "quit") {
		t.Fatalf("help at 60x15 does not say there is more:\n%s", s)
	}
	for range 20 {
		m = send(m, press("down"))
	}
	if s = screenText(m); !strings.Contains(s, "q          quit") || !strings.Contains(s, "↑ more") {
		t.Fatalf("help did not scroll to its end:\n%s", s)
	}
}

func lastLine(s string) string {
	ls := strings.Split(strings.TrimRight(s, "\n "), "\n")
	return ls[len(ls)-1]
}

// The footer shortens labels, then drops the least important keys, and
// never drops ? and q.
func TestFooterKeepsHelpAndQuit(t *testing.T) {
	for _, w := range []int{40, 60, 80, 200} {
		for _, s := range []screen{screenTenants, screenSession, screenClaims, screenCache} {
			m := newModel(newFake(), w, 24)
			m.screen = s
			foot := lastLine(screenText(m))
			if !strings.Contains(foot, "? help") || !strings.Contains(foot, "q quit") || len([]rune(strings.TrimRight(foot, " "))) > w {
				t.Errorf("%d wide, screen %d: footer %q", w, s, foot)
			}
		}
	}
	m := newModel(newFake(), 200, 24)
	if foot := lastLine(screenText(m)); !strings.Contains(foot, "enter sign in / open") || !strings.Contains(foot, "↓/j down") {
		t.Errorf("a wide footer does not show every key in full: %q", foot)
	}
	m = newModel(newFake(), 60, 24)
	if foot := lastLine(screenText(m)); !strings.Contains(foot, "enter open") || !strings.Contains(foot, "D device") {
		t.Errorf("a 60-wide footer does not keep the important keys, shortened: %q", foot)
	}
}

// hostile is a provider and a config that try to drive the terminal.
type hostile struct{ *fakeBackend }

const (
	osc52   = "\x1b]52;c;cm0gLXJmIH4K\x07"
	csiMove = "\x1b[2J\x1b[1;1H"
	fakeRow = "\n  sub                 admin"
)

func (hostile) Tenants(context.Context) ([]Tenant, error) {
	return []Tenant{{Name: "acme" + csiMove, Issuer: "https://acme" + osc52, State: Broken, Err: "bad" + fakeRow}}, nil
}
func (h hostile) Session(ctx context.Context, t string) (*Session, error) {
	s, _ := h.fakeBackend.Session(ctx, t)
	s.Name, s.Email = "Ada"+osc52, "ada@acme.dev"+fakeRow
	return s, nil
}
func (h hostile) Claims(ctx context.Context, t string) (*Claims, error) {
	c, _ := h.fakeBackend.Claims(ctx, t)
	c.ID.Identity.Claims = map[string]any{"name": "Ada" + osc52, "nickname" + csiMove: "x", "email": "ada@acme.dev" + fakeRow}
	c.ID.Payload = `{"name": "Ada` + osc52 + `"}`
	return c, nil
}

func TestHostileValuesCannotDriveTheTerminal(t *testing.T) {
	m := newModel(hostile{newFake()}, 100, 30)
	views := map[string]Model{"tenants": m}
	views["session"] = send(m, press("tab"))
	views["claims"] = send(views["session"], press("tab"))
	views["raw"] = send(views["claims"], press("v"))
	for name, v := range views {
		content := v.View().Content
		for _, bad := range []string{"\x1b]52", "\x1b[2J", "\x1b[1;1H", "\x07"} {
			if strings.Contains(content, bad) {
				t.Errorf("%s: %q reached the terminal", name, bad)
			}
		}
		for _, line := range strings.Split(screenText(v), "\n") {
			if strings.HasPrefix(line, "  sub") && strings.Contains(line, "admin") {
				t.Errorf("%s: a newline in a value forged a row: %q", name, line)
			}
		}
	}
	if s := screenText(views["claims"]); !strings.Contains(s, `ada@acme.dev\n  sub`) {
		t.Errorf("the newline is not shown escaped in its cell:\n%s", s)
	}
}

// On a small terminal the selected row stays on screen.
func TestSelectionStaysInView(t *testing.T) {
	f := newFake()
	f.tenants = nil
	for i := range 30 {
		f.tenants = append(f.tenants, Tenant{Name: fmt.Sprintf("t%02d", i), Issuer: fmt.Sprintf("https://t%02d.example", i)})
	}
	m := newModel(f, 60, 15)
	for range 25 {
		m = send(m, press("down"))
	}
	s := screenText(m)
	if !strings.Contains(s, "> t25") || !strings.Contains(s, "https://t25.example") || !strings.Contains(s, "↑ more") {
		t.Fatalf("the selected tenant scrolled off:\n%s", s)
	}
	if !strings.Contains(lastLine(s), "q quit") {
		t.Errorf("the footer went off screen:\n%s", s)
	}
}

// The sign-in URL is drawn in rows of exactly the width, and then written
// once in one piece over them, so the terminal joins the rows.
func TestSignInURLIsWrittenWhole(t *testing.T) {
	m := waitingSignIn(40, 15)
	defer m.signin.cancel()
	url := m.signin.url
	s := screenText(m)
	if !strings.Contains(strings.ReplaceAll(s, "\n", ""), url) {
		t.Fatalf("the URL is not on screen whole:\n%s", s)
	}
	var echoed string
	for range 2 { // the first tick sees the URL drawn, the next writes it
		next, cmd := m.Update(tickMsg(time.Now()))
		m = next.(Model)
		echoed = rawWritten(cmd)
	}
	if !strings.Contains(echoed, url) || strings.Contains(echoed, "\n") {
		t.Fatalf("the URL was not written in one piece: %q", echoed)
	}
	if _, cmd := m.Update(tickMsg(time.Now())); rawWritten(cmd) != "" {
		t.Error("the URL is written again though nothing moved it")
	}
}

// rawWritten is what a command writes to the terminal raw, skipping
// timers.
func rawWritten(cmd tea.Cmd) string {
	if cmd == nil {
		return ""
	}
	got := make(chan tea.Msg, 1)
	go func() { got <- cmd() }()
	select {
	case msg := <-got:
		switch msg := msg.(type) {
		case tea.RawMsg:
			return fmt.Sprint(msg.Msg)
		case tea.BatchMsg:
			out := ""
			for _, c := range msg {
				out += rawWritten(c)
			}
			return out
		}
	case <-time.After(100 * time.Millisecond):
	}
	return ""
}

func TestCopySaysSentNotCopied(t *testing.T) {
	m := send(newModel(newFake(), 80, 24), press("tab"))
	m = send(m, copyMsg{"at-secret", "Access token"})
	if !strings.Contains(m.flash, "Access token sent to the terminal clipboard (OSC 52)") || strings.Contains(strings.ToLower(m.flash), "copied") {
		t.Errorf("t says %q", m.flash)
	}
	m = newModel(newFake(), 80, 24)
	m.inTmux = true
	m = send(m, copyMsg{"x", "Claim sub"})
	if !strings.Contains(m.flash, "set-clipboard") {
		t.Errorf("inside tmux, copy does not say what tmux needs: %q", m.flash)
	}
}

func TestCachedStepsSaySo(t *testing.T) {
	m := newModel(newFake(), 100, 30)
	m.screen = screenSignIn
	m.signin = signinModel{tenant: "acme", steps: map[auth.StepKind]auth.Step{
		auth.StepDiscovery: {Kind: auth.StepDiscovery, Detail: "https://acme.logto.app/oidc", Cached: true},
		auth.StepListener:  {Kind: auth.StepListener, Detail: "127.0.0.1:40117"},
	}}
	s := screenText(m)
	if !strings.Contains(s, "https://acme.logto.app/oidc (cached)") || strings.Count(s, "(cached)") != 1 {
		t.Errorf("a cached step does not say so, once:\n%s", s)
	}
}

func TestSignInURLIsAHyperlinkOnlyWhenTheTerminalTakesThem(t *testing.T) {
	m := waitingSignIn(100, 30)
	defer m.signin.cancel()
	link := "\x1b]8;;" + m.signin.url
	if strings.Contains(m.View().Content, "\x1b]8;") {
		t.Error("a hyperlink was drawn for a terminal not known to take them")
	}
	m.links = true
	if !strings.Contains(m.View().Content, link) {
		t.Errorf("no hyperlink to the URL:\n%q", m.View().Content)
	}
	next, _ := m.Update(tickMsg(time.Now()))
	_, cmd := next.Update(tickMsg(time.Now()))
	if raw := rawWritten(cmd); !strings.Contains(raw, link) {
		t.Errorf("the URL written whole is not a hyperlink: %q", raw)
	}
}

// waitingSignIn is a w×h UI whose sign-in waits for a browser nobody uses.
func waitingSignIn(w, h int) Model {
	f := newFake()
	f.block = true
	m := send(send(newModel(f, w, h), press("down")), press("down"))
	return startSignIn(m, "enter", func(m Model) bool { return m.signin.url != "" })
}

// signedOutSession is a backend whose session is gone.
type signedOutSession struct{ *fakeBackend }

func (signedOutSession) Session(context.Context, string) (*Session, error) {
	return nil, fmt.Errorf("%w: not signed in to acme (run latch login --tenant acme)", tokencache.ErrSignInRequired)
}

// The key an error names is the key that helps.
func TestTheKeyAnErrorNamesWorks(t *testing.T) {
	f := newFake()
	f.block = true
	for _, k := range []string{"l", "D"} {
		m := send(newModel(signedOutSession{f}, 80, 24), press("tab"))
		s := strings.Join(strings.Fields(screenText(m)), " ")
		if !strings.Contains(s, "Press l to sign in again, or D for a device code") || strings.Contains(s, "latch login") {
			t.Fatalf("the session error does not name the keys:\n%s", s)
		}
		if foot := lastLine(screenText(m)); strings.Contains(foot, "sign out") || !strings.Contains(foot, "l sign in") {
			t.Errorf("the footer offers keys for a session that is not there: %q", foot)
		}
		next, cmd := m.Update(press(k))
		m = next.(Model)
		if m.screen != screenSignIn || m.signin.tenant != "acme" || m.signin.device != (k == "D") || cmd == nil {
			t.Errorf("%s on the error: screen %d, tenant %q, device %v", k, m.screen, m.signin.tenant, m.signin.device)
		}
		m.signin.cancel()
	}
}

// While a form has the keyboard, the footer offers the form's keys (q
// types a q there), and the field being typed in stays in view.
func TestFormFooterAndFocusOnASmallTerminal(t *testing.T) {
	m := send(newModel(newFake(), 60, 10), press("a"))
	if foot := lastLine(screenText(m)); strings.Contains(foot, "q quit") || !strings.Contains(foot, "esc cancel") {
		t.Errorf("the form's footer: %q", foot)
	}
	for range 3 {
		m = send(m, press("tab"))
	}
	for _, r := range "https://api.example" {
		m = send(m, press(string(r)))
	}
	if s := screenText(m); !strings.Contains(s, "https://api.example█") {
		t.Errorf("the field being typed in is off screen:\n%s", s)
	}
	m = send(send(newModel(newFake(), 80, 24), press("tab")), press("o"))
	if foot := lastLine(screenText(m)); !strings.Contains(foot, "y yes") || !strings.Contains(foot, "n no") || strings.Contains(foot, "refresh") {
		t.Errorf("a question's footer: %q", foot)
	}
}

// No terminal is too small to draw into: nothing panics, no line is wider
// than the terminal, and the frame is exactly as tall.
func TestTinyTerminalsDoNotBreak(t *testing.T) {
	for _, size := range [][2]int{{1, 1}, {10, 5}, {30, 8}, {45, 12}} {
		w, h := size[0], size[1]
		m := waitingSignIn(w, h)
		m.signin.cancel()
		screens := []Model{m, newModel(newFake(), w, h), send(newModel(newFake(), w, h), press("?")), send(newModel(newFake(), w, h), press("a"))}
		for _, s := range []screen{screenSession, screenClaims, screenCache} {
			x := newModel(newFake(), w, h)
			screens = append(screens, send(x, x.show(s)()))
		}
		for _, x := range screens {
			lines := strings.Split(screenText(x), "\n")
			if len(lines) != h && h > 2 {
				t.Errorf("%dx%d screen %d: %d lines", w, h, x.screen, len(lines))
			}
			for _, l := range lines {
				if n := ansi.StringWidth(l); n > w {
					t.Errorf("%dx%d screen %d: a line of %d cells: %q", w, h, x.screen, n, l)
				}
			}
		}
	}
}
