package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// Help is modal: while it is open only its own keys work (close, scroll),
// so a key pressed while reading it cannot act on the screen behind.

// helpKey handles a key while help is open; every key is consumed.
func (m *Model) helpKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case msg.String() == "ctrl+c":
		m.signin.cancel()
		return tea.Quit
	case key.Matches(msg, m.keys.CloseHelp):
		m.showHelp, m.helpTop = false, 0
	case key.Matches(msg, m.keys.Up):
		m.helpTop = max(0, m.helpTop-1)
	case key.Matches(msg, m.keys.Down):
		m.helpTop = min(m.helpTop+1, m.helpMaxTop())
	case msg.String() == "pgup":
		m.helpTop = max(0, m.helpTop-m.room())
	case msg.String() == "pgdown", msg.String() == "space":
		m.helpTop = min(m.helpTop+m.room(), m.helpMaxTop())
	}
	return nil
}

// helpLines is the full help of the screen in focus, one key a line.
func (m Model) helpLines() []string {
	h := m.keys.forScreen(m.screen, m.picker())
	lines := []string{m.st.Bold.Render("Keys on this screen")}
	list := func(bs []key.Binding) {
		for _, b := range bs {
			lines = append(lines, "  "+m.st.Key.Render(pad(b.Help().Key, 10))+" "+b.Help().Desc)
		}
	}
	list(h.full[0])
	lines = append(lines, "", m.st.Bold.Render("Everywhere"))
	list(h.full[1])
	return lines
}

func (m Model) helpMaxTop() int { return max(0, len(m.helpLines())-m.room()) }

func (m Model) viewHelp() string {
	lines := m.helpLines()
	top := min(m.helpTop, m.helpMaxTop())
	lines = lines[top:]
	for i, l := range lines {
		lines[i] = truncate(l, m.width)
	}
	if top > 0 {
		lines[0] = "↑ more"
	}
	return strings.Join(lines, "\n")
}

// footerKeys are the keys the footer offers: the screen's, most important
// first, then help and quit; only a form's, a filter's or a question's
// while one has the keyboard; help's own while it is open.
func (m Model) footerKeys() []key.Binding {
	k := m.keys
	switch {
	case m.showHelp:
		return []key.Binding{k.Up, k.Down, k.CloseHelp}
	case m.tenants.repoint != nil:
		return []key.Binding{k.Yes, k.No}
	case m.screen == screenTenants && m.tenants.form != nil:
		return []key.Binding{k.NextField, k.Save, k.Cancel}
	case m.screen == screenInspect && m.inspect.editing():
		return []key.Binding{k.Verify, k.ClearToken, k.Next, k.Help, k.QuitTyping}
	case m.screen == screenClaims && m.claims.filtering:
		return []key.Binding{k.KeepFilter, k.Cancel}
	case m.tenants.confirm != "" || m.cache.confirm != "" || m.session.confirm:
		return []key.Binding{k.Yes, k.No}
	case m.screen == screenSession && m.session.s == nil:
		return []key.Binding{k.SignIn, k.Device, k.Help, k.Quit}
	case m.screen == screenSignIn && m.signin.done:
		return []key.Binding{k.Retry, k.Back, k.Device, k.Help, k.Quit}
	}
	return k.forScreen(m.screen, m.picker()).short
}

// keyLine fits the footer's keys into the width: full labels, then short
// labels, then the least important keys dropped, last first. The last
// two keys (help and quit, or close) are never dropped.
func (m Model) keyLine() string {
	keys := m.footerKeys()
	pinned := min(2, len(keys))
	local, end := keys[:len(keys)-pinned], keys[len(keys)-pinned:]
	for _, short := range []bool{false, true} {
		if line := m.renderKeys(append(append([]key.Binding{}, local...), end...), short); m.fits(line) {
			return line
		}
	}
	for n := len(local) - 1; n >= 0; n-- {
		if line := m.renderKeys(append(append([]key.Binding{}, local[:n]...), end...), true); m.fits(line) {
			return line
		}
	}
	return truncate(m.renderKeys(end, true), m.width)
}

func (m Model) fits(line string) bool { return lipgloss.Width(line) <= m.width }

func (m Model) renderKeys(keys []key.Binding, short bool) string {
	s := m.help.Styles
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		desc := k.Help().Desc
		if short {
			desc = shortDesc(desc)
		}
		parts = append(parts, s.ShortKey.Render(k.Help().Key)+" "+s.ShortDesc.Render(desc))
	}
	return strings.Join(parts, s.ShortSeparator.Render(" • "))
}
