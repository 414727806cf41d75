package main

import (
	"encoding/base64"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/latchdev/latch/auth/authtest"
	"github.com/zalando/go-keyring"
)

// terminal is latch running in a private tmux server, driven by keys as a
// person would, read back with capture-pane.
type terminal struct {
	t      *testing.T
	socket string
}

func (u *user) terminal(env ...string) *terminal {
	return u.terminalArgs(nil, env...)
}

func (u *user) terminalArgs(args []string, env ...string) *terminal {
	u.t.Helper()
	return u.terminalSized(100, 30, args, env...)
}

// terminalSized is latch in a terminal of w columns and h rows.
func (u *user) terminalSized(w, h int, args []string, env ...string) *terminal {
	u.t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		authtest.Missing(u.t, "tmux", "the terminal UI tests drive latch through tmux")
	}
	term := &terminal{t: u.t, socket: fmt.Sprintf("latch-test-%d-%d", os.Getpid(), time.Now().UnixNano())}
	cmd := exec.Command("tmux", "-L", term.socket, "-f", "/dev/null", "new-session", "-d", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), "-s", "latch", strings.Join(append([]string{u.latch}, args...), " "))
	cmd.Env = append(append(append([]string{}, u.env...), env...), "TERM=xterm-256color")
	if out, err := cmd.CombinedOutput(); err != nil {
		u.t.Fatalf("tmux: %v: %s", err, out)
	}
	u.t.Cleanup(func() { exec.Command("tmux", "-L", term.socket, "kill-server").Run() })
	return term
}

func (term *terminal) keys(keys ...string) {
	term.t.Helper()
	for _, k := range keys {
		if out, err := exec.Command("tmux", "-L", term.socket, "send-keys", "-t", "latch", k).CombinedOutput(); err != nil {
			term.t.Fatalf("send-keys %s: %v %s", k, err, out)
		}
		// Keys sent back to back can merge (esc then tab reads as alt+tab).
		time.Sleep(50 * time.Millisecond)
	}
}

func (term *terminal) screen() string {
	out, _ := exec.Command("tmux", "-L", term.socket, "capture-pane", "-p", "-t", "latch").Output()
	return string(out)
}

// waitFor polls the screen until every text is on it.
func (term *terminal) waitFor(texts ...string) string {
	term.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := term.screen()
		missing := ""
		for _, want := range texts {
			if !strings.Contains(s, want) {
				missing = want
				break
			}
		}
		if missing == "" {
			return s
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("the screen never showed %q:\n%s", missing, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestTUISignInClaimsSignOut(t *testing.T) {
	op := authtest.StartProvider(t)
	u := newUser(t)
	u.ok("tenant", "add", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)
	term := u.terminal()
	term.waitFor("Tenants", "acme", "signed out")
	term.keys("Enter")
	term.waitFor("Session", "Test alice <alice@example.test>", "refresh token present", "keyring")
	key := onlyKey(t, u.index())

	term.keys("Tab")
	s := term.waitFor("✓ verified", "ES384", "sub ", "alice", "iss ", op.Issuer)
	if strings.Contains(s, secretRecord(t, key)["refresh_token"].(string)) {
		t.Fatal("a secret is on the screen")
	}
	term.keys("Right", "Right")
	term.waitFor("from the provider's userinfo endpoint", "alice@example.test")

	term.keys("BTab", "o")
	term.waitFor("Sign out of acme?")
	term.keys("y")
	term.waitFor("Signed out of acme", "signed out")
	if _, err := keyring.Get("latch", key); err != keyring.ErrNotFound {
		t.Fatalf("the keyring entry is still there after sign-out: %v", err)
	}
	term.keys("q")
}

var listenerRe = regexp.MustCompile(`Listener\s+(127\.0\.0\.1:\d+)`)

func TestTUIEscCancelsAndFreesThePort(t *testing.T) {
	op := authtest.StartProvider(t)
	u := newUser(t)
	u.ok("tenant", "add", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)
	term := u.terminal("BROWSER=true") // a browser that never signs in
	term.waitFor("acme")
	term.keys("Enter")
	s := term.waitFor("Waiting for you in the browser", "left", "If no browser opened")
	m := listenerRe.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no listener address on screen:\n%s", s)
	}
	term.keys("Escape")
	term.waitFor("Sign-in cancelled", "Press r")
	ln, err := net.Listen("tcp", m[1])
	if err != nil {
		t.Fatalf("port %s still busy after esc: %v", m[1], err)
	}
	ln.Close()
	if len(u.index()) != 0 {
		t.Error("a cancelled sign-in wrote to the index")
	}
}

func TestDemoTUIPicksAUserInTheTerminal(t *testing.T) {
	u := newUser(t)
	term := u.terminalArgs([]string{"demo"}, "BROWSER=true") // no browser opens: the picker must do
	term.waitFor("Demo:", "demo-acme", "demo-globex", "demo-common")
	term.keys("Enter")
	term.waitFor("Waiting for you in the browser", "p picks a demo user right here")
	term.keys("p")
	term.waitFor("Pick a demo user", "ada", "grace")
	term.keys("Enter")
	term.waitFor("Session", "Ada Lovelace <ada@acme.example>", "refresh token present")
	term.keys("Tab")
	term.waitFor("✓ verified", "ES384", "Logto roles")
	term.keys("q")
	// q quits: latch exits and its tmux session ends.
	deadline := time.Now().Add(10 * time.Second)
	for exec.Command("tmux", "-L", term.socket, "has-session", "-t", "latch").Run() == nil {
		if time.Now().After(deadline) {
			t.Fatalf("latch demo did not exit on q:\n%s", term.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestDemoTUIDeviceCode(t *testing.T) {
	u := newUser(t)
	term := u.terminalArgs([]string{"demo"}, "BROWSER=true")
	term.waitFor("demo-acme")
	term.keys("D")
	term.waitFor("with a device code", "and enter the code", "Waiting for approval")
	term.keys("p")
	term.waitFor("Pick a demo user", "ada")
	term.keys("Enter")
	term.waitFor("Session", "Ada Lovelace <ada@acme.example>")
}

// footer is the last line on screen that is not blank.
func (term *terminal) footer() string {
	lines := strings.Split(strings.TrimRight(term.screen(), "\n "), "\n")
	return lines[len(lines)-1]
}

func (term *terminal) tmux(args ...string) string {
	term.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", term.socket}, args...)...).CombinedOutput()
	if err != nil {
		term.t.Fatalf("tmux %v: %v %s", args, err, out)
	}
	return string(out)
}

var smallTerminals = [][2]int{{80, 24}, {60, 15}}

// Help is modal: o (sign out), y (yes), enter and x pressed while it is
// open do nothing to the session behind it; the footer keeps ? and q.
func TestTUIHelpIsModal(t *testing.T) {
	for _, size := range smallTerminals {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			u := newUser(t)
			term := u.terminalSized(size[0], size[1], []string{"demo"}, "BROWSER=true")
			term.waitFor("demo-acme")
			if f := term.footer(); !strings.Contains(f, "? help") || !strings.Contains(f, "q quit") {
				t.Errorf("the tenants footer lost ? or q: %q", f)
			}
			term.keys("Enter")
			term.waitFor("p picks a demo user")
			term.keys("p")
			term.waitFor("Pick a demo user", "ada")
			term.keys("Enter")
			term.waitFor("Session", "refresh token present")
			if f := term.footer(); !strings.Contains(f, "? help") || !strings.Contains(f, "q quit") {
				t.Errorf("the session footer lost ? or q: %q", f)
			}
			term.keys("?")
			term.waitFor("Keys on this screen")
			term.keys("o", "y", "Enter", "x", "q")
			// q closed help, so every key before it has been read.
			s := term.waitFor("Session", "refresh token present")
			if strings.Contains(s, "Sign out of") || strings.Contains(s, "Signed out") {
				t.Fatalf("keys pressed under help reached the session:\n%s", s)
			}
			term.keys("Tab")
			term.waitFor("✓ verified")
		})
	}
}

// The sign-in URL on screen is one string: capture-pane -J joins the rows
// the terminal wrapped, and the joined line equals the URL latch sent to
// the clipboard with c.
func TestTUISignInURLIsOneUnbrokenString(t *testing.T) {
	for _, size := range smallTerminals {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			u := newUser(t)
			term := u.terminalSized(size[0], size[1], []string{"demo"}, "BROWSER=true")
			term.tmux("set-option", "-g", "set-clipboard", "on") // keep what OSC 52 sends
			term.waitFor("demo-acme")
			term.keys("Enter")
			term.waitFor("If no browser opened")
			term.keys("c")
			term.waitFor("sent to the terminal clipboard (OSC 52)")
			url := ""
			deadline := time.Now().Add(15 * time.Second)
			for ; url == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				out, _ := exec.Command("tmux", "-L", term.socket, "show-buffer").Output()
				url = string(out)
			}
			if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.Contains(url, "code_challenge=") || len(url) <= size[0] {
				t.Fatalf("c sent %q", url)
			}
			for {
				joined := term.tmux("capture-pane", "-p", "-J", "-t", "latch")
				for _, line := range strings.Split(joined, "\n") {
					if strings.TrimRight(line, " ") == url {
						return
					}
				}
				if time.Now().After(deadline) {
					t.Fatalf("the URL is not one string on screen; joined:\n%s\nwant %s", joined, url)
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}

// latch --tenant T --account A opens A's session, not the current account's.
func TestTUIOpensTheAccountTheFlagsChoose(t *testing.T) {
	op := authtest.StartProvider(t)
	u := newUser(t)
	u.ok("tenant", "add", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)
	u.ok("login", "--tenant", "acme")
	u.runEnv([]string{"LATCH_TEST_USER=bob"}, "login", "--tenant", "acme")
	// bob signed in last and is the current account; the flags ask for alice.
	term := u.terminalArgs([]string{"--tenant", "acme", "--account", "alice"})
	s := term.waitFor("Test alice", "alice@example.test")
	if strings.Contains(s, "bob@example.test") {
		t.Fatalf("the session screen shows bob, not the account asked for:\n%s", s)
	}
	term.keys("q")
	// --account alone means the default tenant's account.
	term = u.terminalArgs([]string{"--account", "alice"})
	if s := term.waitFor("Test alice", "alice@example.test"); strings.Contains(s, "bob@example.test") {
		t.Fatalf("latch --account alice shows bob:\n%s", s)
	}
	term.keys("q")
}

// A real lab ID token pasted into the Inspect screen (bracketed paste)
// verifies against the lab's keys; the same token with its payload
// changed, typed in key by key, does not.
func TestTUIInspectsAPastedToken(t *testing.T) {
	op := authtest.StartProvider(t)
	u := newUser(t)
	u.ok("tenant", "add", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)
	u.ok("login", "--tenant", "acme")
	token := strings.TrimSpace(u.ok("token", "--tenant", "acme", "--id-token").stdout)
	term := u.terminal()
	term.waitFor("acme", "signed in")
	term.keys("i")
	term.waitFor("Inspect a token", "Paste a JWT")
	term.tmux("set-buffer", "--", token+"\n")
	term.tmux("paste-buffer", "-p", "-t", "latch")
	term.waitFor(fmt.Sprintf("%d characters", len(token)))
	term.keys("Enter")
	term.waitFor("✓ verified: ES384 kid", "issuer "+op.Issuer, "alice", "subject: the account")

	parts := strings.Split(token, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	payload = []byte(strings.Replace(string(payload), `"sub":"alice"`, `"sub":"mallory"`, 1))
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + parts[2]
	term.keys("Escape")
	term.waitFor("Paste a JWT")
	term.tmux("send-keys", "-t", "latch", "-l", tampered)
	term.waitFor(fmt.Sprintf("%d characters", len(tampered)))
	term.keys("Enter")
	s := term.waitFor("✗ NOT verified", "mallory")
	if strings.Contains(s, "✓ verified") {
		t.Fatalf("a tampered token shows as verified:\n%s", s)
	}
	term.keys("q")
}

// latch --tenant T --resource R shows the session's token for R.
func TestTUIShowsTheResourceTheFlagsChoose(t *testing.T) {
	op := authtest.StartProvider(t)
	u := newUser(t)
	u.ok("tenant", "add", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)
	u.ok("login", "--tenant", "acme", "--resource", authtest.Resource)
	term := u.terminalArgs([]string{"--tenant", "acme", "--resource", authtest.Resource})
	term.waitFor("Audience", authtest.Resource)
	term.keys("q")
}

// With the provider down and discovery in the cache, the sign-in fails
// within seconds with its reason, at 80x24 and 60x15, and never waits for a
// redirect that cannot come.
func TestTUIProviderDownFailsFast(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {60, 15}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			op := authtest.StartProvider(t)
			u := newUser(t)
			u.ok("tenant", "add", "acme", "--issuer", op.Issuer, "--client-id", authtest.ClientES384)
			u.ok("login", "--tenant", "acme") // discovery is now in the disk cache
			u.ok("logout", "--tenant", "acme")
			op.Stop()
			term := u.terminalSized(size[0], size[1], nil)
			term.waitFor("acme")
			start := time.Now()
			term.keys("Enter")
			s := term.waitFor("did not answer")
			if strings.Contains(s, "✓ Listener") || strings.Contains(s, "✓ Browser") {
				t.Errorf("the browser step was reached:\n%s", s)
			}
			if size[1] >= 24 && !strings.Contains(s, "(cached)") {
				t.Errorf("the discovery served from the cache is not marked:\n%s", s)
			}
			// The probe gives a provider a few seconds; the browser wait is 5 minutes.
			if took := time.Since(start); took > 30*time.Second {
				t.Errorf("took %s to say the provider is down", took)
			}
			term.keys("q")
		})
	}
}

// latch alone in a terminal runs latch-ui; a latch installed without it
// says which program is missing and how to install it, and exits 1.
// A latch-ui beside latch that cannot run (not executable) is passed over.
func TestTUIWithoutLatchUISaysHowToInstallIt(t *testing.T) {
	for _, c := range []struct{ args, instead string }{{"", "latch status"}, {"demo", "latch demo --script"}} {
		u := newUser(t)
		dir := t.TempDir()
		lone := filepath.Join(dir, "latch")
		b, err := os.ReadFile(u.latch)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(lone, b, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "latch-ui"), []byte("not a program"), 0o644); err != nil {
			t.Fatal(err)
		}
		u.latch = "sh -c '" + lone + " " + c.args + "; echo exit=$?; sleep 30'"
		// Wide enough that the message is not wrapped.
		term := u.terminalSized(400, 20, nil, "PATH=/usr/bin:/bin")
		s := term.waitFor("exit=1")
		for _, want := range []string{"latch-ui", "not next to latch", "go install github.com/latchdev/latch/cmd/latch-ui@latest", c.instead + " prints the same"} {
			if !strings.Contains(s, want) {
				t.Errorf("latch %s: the screen does not say %q:\n%s", c.args, want, s)
			}
		}
	}
}
