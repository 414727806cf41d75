package tui

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/auth/authtest"
)

// adaToken is an ID token signed by a test key, the fake backend verifying
// with that key's JWKS.
func adaToken(t *testing.T, f *fakeBackend, extra map[string]any) string {
	t.Helper()
	claims := map[string]any{
		"iss": "https://acme.logto.app/oidc", "sub": "u-ada", "aud": "abc", "name": "Ada Lovelace",
		"exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "email": "ada@acme.dev",
	}
	for k, v := range extra {
		claims[k] = v
	}
	token, jwks := authtest.SignedJWT(t, claims)
	f.jwks = jwks
	return token
}

// tamper changes the payload's sub and keeps the signature.
func tamper(t *testing.T, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	p, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	p = []byte(strings.Replace(string(p), `"u-ada"`, `"u-eve"`, 1))
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(p) + "." + parts[2]
}

// inspectToken opens the Inspect screen with i, pastes token and presses
// enter.
func inspectToken(m Model, token string) Model {
	m = send(m, press("i"))
	m = send(m, tea.PasteMsg{Content: token})
	return send(m, press("enter"))
}

func TestInspectGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {60, 15}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			f := newFake()
			token := adaToken(t, f, nil)
			m := newModel(f, size[0], size[1])
			t.Run("empty", func(t *testing.T) { golden.RequireEqual(t, screenText(send(m, press("i")))) })
			t.Run("verified", func(t *testing.T) { golden.RequireEqual(t, screenText(inspectToken(m, token))) })
			t.Run("tampered", func(t *testing.T) { golden.RequireEqual(t, screenText(inspectToken(m, tamper(t, token)))) })
		})
	}
}

func TestInspectVerifiesAPastedToken(t *testing.T) {
	f := newFake()
	token := adaToken(t, f, nil)
	m := inspectToken(newModel(f, 100, 30), "\n"+token[:40]+"\n"+token[40:]+"\n") // wrapped by the terminal
	s := screenText(m)
	for _, want := range []string{"✓ verified: ES256 kid k1, issuer https://acme.logto.app/oidc", "Header", "signature algorithm",
		"Claims", "Ada Lovelace", "in 1h00m · 2026-11-22 11:00:00 UTC", "subject: the account"} {
		if !strings.Contains(s, want) {
			t.Errorf("the inspection lacks %q:\n%s", want, s)
		}
	}
	if len(f.inspected) != 1 || f.inspected[0] != "acme" {
		t.Errorf("the backend was asked for tenants %q, want the tenant in focus", f.inspected)
	}
	m = send(m, press("esc"))
	if s := screenText(m); strings.Contains(s, "verified") || strings.Contains(s, "Ada") || !m.inspect.editing() || len(m.inspect.token) != 0 {
		t.Fatalf("esc did not clear the inspection:\n%s", s)
	}
}

// A token typed key by key is the same as a pasted one, and the letters of
// a token (q, i, l, r) type rather than quit, reload or sign in.
func TestInspectTypedToken(t *testing.T) {
	f := newFake()
	token := adaToken(t, f, nil)
	m := send(newModel(f, 100, 30), press("i"))
	for _, r := range token + "qilr" {
		next, cmd := m.Update(press(string(r)))
		if m = next.(Model); cmd != nil {
			t.Fatalf("typing %q returned a command", r)
		}
	}
	for range 4 {
		m = send(m, tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	if m.screen != screenInspect || string(m.inspect.token) != token {
		t.Fatalf("typing left screen %d with %d characters", m.screen, len(m.inspect.token))
	}
	if m = send(m, press("enter")); !strings.Contains(screenText(m), "✓ verified") {
		t.Fatalf("a typed token did not verify:\n%s", screenText(m))
	}
	if m = send(m, press("tab")); m.screen != screenTenants {
		t.Errorf("tab after an inspection went to %d", m.screen)
	}
}

func TestInspectTamperedTokenIsNotVerified(t *testing.T) {
	f := newFake()
	m := inspectToken(newModel(f, 100, 30), tamper(t, adaToken(t, f, nil)))
	s := screenText(m)
	if !strings.Contains(s, "✗ NOT verified") || strings.Contains(s, "✓") || !strings.Contains(s, "u-eve") {
		t.Fatalf("a tampered token:\n%s", s)
	}
	unsigned := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + "." +
		base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"root"}`)) + "."
	if s = screenText(inspectToken(m, unsigned)); !strings.Contains(s, "NOT verified") || !strings.Contains(s, "anyone could have") {
		t.Fatalf("an unsigned token:\n%s", s)
	}
	if s = screenText(inspectToken(m, "not-a-token")); !strings.Contains(s, "Not a JWT") || strings.Contains(s, "verified") {
		t.Fatalf("text that is no JWT:\n%s", s)
	}
}

// More than auth.MaxTokenSize is refused as it is pasted: nothing is kept
// and nothing is sent to the backend.
func TestInspectRefusesAnOversizedPaste(t *testing.T) {
	f := newFake()
	m := send(newModel(f, 80, 24), press("i"))
	m = send(m, tea.PasteMsg{Content: strings.Repeat("a", auth.MaxTokenSize+1)})
	if len(m.inspect.token) != 0 || !strings.Contains(screenText(m), "more than 64 KiB") {
		t.Fatalf("an oversized paste kept %d bytes:\n%s", len(m.inspect.token), screenText(m))
	}
	m = send(m, press("enter"))
	if len(f.inspected) != 0 {
		t.Error("an empty field was sent to the backend")
	}
}

// A verification cleared with esc before it answered shows nothing when
// it does.
func TestInspectClearedVerificationIsIgnored(t *testing.T) {
	f := newFake()
	token := adaToken(t, f, nil)
	m := send(send(newModel(f, 80, 24), press("i")), tea.PasteMsg{Content: token})
	next, cmd := m.Update(press("enter"))
	m = next.(Model)
	if !strings.Contains(screenText(m), "Verifying") {
		t.Fatalf("no progress while verifying:\n%s", screenText(m))
	}
	m = send(m, press("esc"))
	m = send(m, cmd())
	if m.inspect.result != nil || strings.Contains(screenText(m), "verified") {
		t.Fatalf("a cleared verification came back:\n%s", screenText(m))
	}
}

func TestInspectHostileClaimsCannotDriveTheTerminal(t *testing.T) {
	f := newFake()
	token := adaToken(t, f, map[string]any{"name": "Ada" + osc52, "nickname" + csiMove: "x", "email": "ada@acme.dev" + fakeRow})
	m := inspectToken(newModel(f, 100, 40), token)
	content := m.View().Content
	for _, bad := range []string{"\x1b]52", "\x1b[2J", "\x1b[1;1H", "\x07"} {
		if strings.Contains(content, bad) {
			t.Errorf("%q reached the terminal", bad)
		}
	}
	for _, line := range strings.Split(screenText(m), "\n") {
		if strings.HasPrefix(line, "  sub") && strings.Contains(line, "admin") {
			t.Errorf("a newline in a value forged a row: %q", line)
		}
	}
}

// An expired token still verifies, and says it expired.
func TestInspectExpiredTokenSaysSo(t *testing.T) {
	f := newFake()
	token := adaToken(t, f, map[string]any{"exp": now.Add(-5 * time.Minute).Unix()})
	s := screenText(inspectToken(newModel(f, 100, 30), token))
	if !strings.Contains(s, "✓ verified") || !strings.Contains(s, "the token expired 5m00s ago") {
		t.Fatalf("an expired token:\n%s", s)
	}
}
