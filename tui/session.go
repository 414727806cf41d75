package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/latchdev/latch/auth"
)

type sessionModel struct {
	s       *Session
	err     string
	confirm bool // asking before sign-out
	busy    string
}

type sessionMsg struct {
	s   *Session
	err error
}
type signedOutMsg struct {
	tenant string
	err    error
}

// copyMsg carries a value to put on the clipboard.
type copyMsg struct{ value, what string }

func (m *Model) loadSession() tea.Cmd {
	if m.focus == "" {
		m.session = sessionModel{err: "No tenant selected: pick one on the Tenants screen."}
		return nil
	}
	b, ctx, tenant := m.opts.Backend, m.ctx, m.focus
	return func() tea.Msg {
		s, err := b.Session(ctx, tenant)
		return sessionMsg{s, err}
	}
}

func (m *Model) updateSession(msg tea.Msg) tea.Cmd {
	s := &m.session
	switch msg := msg.(type) {
	case sessionMsg:
		s.busy = ""
		if msg.err != nil {
			s.s, s.err = nil, describe(msg.err)
		} else {
			s.s, s.err = msg.s, ""
		}
	case signedOutMsg:
		s.busy = ""
		if msg.err != nil {
			s.err = describe(msg.err)
			return nil
		}
		s.s = nil
		cmd := m.show(screenTenants)
		m.flash = "Signed out of " + msg.tenant + ": refresh token revoked, tokens deleted."
		return cmd
	case copyMsg:
		return tea.Batch(tea.SetClipboard(msg.value), flash(m.sentToClipboard(msg.what)))
	case tea.KeyPressMsg:
		return m.sessionKey(msg)
	}
	return nil
}

func (m *Model) sessionKey(msg tea.KeyPressMsg) tea.Cmd {
	s := &m.session
	b, ctx, tenant := m.opts.Backend, m.ctx, m.focus
	if s.confirm {
		s.confirm = false
		if key.Matches(msg, m.keys.Yes) {
			s.busy = "Signing out…"
			return func() tea.Msg { return signedOutMsg{tenant, b.SignOut(ctx, tenant)} }
		}
		return nil
	}
	if s.s == nil {
		if key.Matches(msg, m.keys.Enter) && tenant != "" {
			return m.startSignIn(tenant, false)
		}
		return nil
	}
	switch {
	case key.Matches(msg, m.keys.Refresh):
		s.busy = "Refreshing…"
		return func() tea.Msg {
			ses, err := b.Refresh(ctx, tenant)
			return sessionMsg{ses, err}
		}
	case key.Matches(msg, m.keys.SignOut):
		s.confirm = true
	case key.Matches(msg, m.keys.CopyToken):
		return func() tea.Msg {
			tok, err := b.AccessToken(ctx, tenant)
			if err != nil {
				return flashMsg(describe(err))
			}
			return copyMsg{tok, "Access token"}
		}
	}
	return nil
}

func (m Model) viewSession() string {
	s := m.session
	var b strings.Builder
	b.WriteString(m.title("Session") + "\n")
	if s.err != "" {
		b.WriteString(m.st.Err.Render(wrap(s.err, m.width)) + "\n")
	}
	if s.s == nil {
		if m.focus != "" && s.err == "" {
			b.WriteString(truncate("Not signed in to "+sanitize(m.focus)+". Press enter to sign in.", m.width) + "\n")
		}
		return b.String()
	}
	x, now := s.s, m.opts.Now()
	row := func(k, v string) {
		b.WriteString(truncate(" "+m.st.Dim.Render(pad(k, 11))+truncate(v, max(1, m.width-12)), m.width) + "\n")
	}
	who := sanitize(x.Name)
	if x.Email != "" {
		who += " <" + sanitize(x.Email) + ">"
	}
	row("Who", who)
	row("Subject", sanitize(x.Subject))
	row("Tenant", sanitize(x.Tenant))
	row("Issuer", sanitize(x.Issuer))
	exp := "no expiry given"
	if !x.Expires.IsZero() {
		exp = auth.Relative(x.Expires, now) + "  (" + auth.Absolute(x.Expires) + ")"
		if x.Expires.Before(now) {
			exp = m.st.Warn.Render("expired " + exp)
		}
	}
	row("Expires", exp)
	if x.Audience != "" {
		row("Audience", sanitize(x.Audience))
	}
	scopes := sanitize(strings.Join(x.Scopes, " "))
	if scopes == "" {
		scopes = m.st.Dim.Render("none granted to this token")
	}
	row("Scopes", scopes)
	refresh := m.st.Warn.Render("no refresh token: sign in with offline_access")
	if x.Refreshable {
		refresh = m.st.OK.Render("refresh token present")
	}
	row("Refresh", refresh)
	row("Stored", sanitize(x.Store))
	row("Key", sanitize(x.Key))
	if s.busy != "" {
		b.WriteString("\n" + m.st.Dim.Render(s.busy) + "\n")
	}
	if s.confirm {
		b.WriteString("\n" + m.st.Warn.Render(wrap(fmt.Sprintf("Sign out of %s? The refresh token is revoked and the tokens deleted. y/n", sanitize(x.Tenant)), m.width)) + "\n")
	}
	return b.String()
}
