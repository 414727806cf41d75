package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/latchdev/latch/auth/session"
)

// Saving the form over a tenant that has sessions asks first; n keeps the
// form, y saves with Force.
func TestRepointAsksBeforeSigningOut(t *testing.T) {
	f := newFake()
	f.addErr = fmt.Errorf("%w: acme has 1 session(s) at https://acme.logto.app/oidc", session.ErrHasSessions)
	m := send(newModel(f, 80, 24), press("a"))
	fill := func() {
		for i, v := range []string{"acme", "https://acme.example/oidc", "app2"} {
			if i > 0 {
				m = send(m, press("tab"))
			}
			for _, r := range v {
				m = send(m, press(string(r)))
			}
		}
		m = send(send(m, press("tab")), press("enter"))
	}
	fill()
	s := screenText(m)
	if !strings.Contains(strings.Join(strings.Fields(s), " "), "acme has signed-in sessions at https://acme.logto.app/oidc: sign them out and re-point? y/n") || len(f.added) != 0 {
		t.Fatalf("no question before re-pointing (added %v):\n%s", f.added, s)
	}
	if foot := lastLine(s); !strings.Contains(foot, "y yes") || !strings.Contains(foot, "n no") {
		t.Errorf("the footer does not offer y/n: %q", foot)
	}
	m = send(m, press("n"))
	if len(f.added) != 0 || m.tenants.form == nil || !strings.Contains(screenText(m), "Not saved") {
		t.Fatalf("n: added %v, form open %v:\n%s", f.added, m.tenants.form != nil, screenText(m))
	}
	m = send(m, press("enter"))
	m = send(m, press("y"))
	want := NewTenant{Name: "acme", Issuer: "https://acme.example/oidc", ClientID: "app2", Force: true}
	if len(f.added) != 1 || f.added[0] != want || m.tenants.form != nil {
		t.Fatalf("y: added %+v, form open %v", f.added, m.tenants.form != nil)
	}
	if !strings.Contains(screenText(m), "Signed out of acme and re-pointed it") {
		t.Errorf("no word of the re-point:\n%s", screenText(m))
	}
}

// Any other error is shown in the form, with no question.
func TestAddTenantErrorStaysInTheForm(t *testing.T) {
	f := newFake()
	f.addErr = fmt.Errorf("%w: https://acme.example", session.ErrBadIssuer)
	m := send(newModel(f, 80, 24), press("a"))
	for _, v := range []string{"acme", "https://acme.example", "app2"} {
		for _, r := range v {
			m = send(m, press(string(r)))
		}
		m = send(m, press("tab"))
	}
	m = send(m, press("enter"))
	if m.tenants.repoint != nil || m.tenants.form == nil || !strings.Contains(screenText(m), "Not an issuer URL") {
		t.Fatalf("a bad issuer:\n%s", screenText(m))
	}
}
