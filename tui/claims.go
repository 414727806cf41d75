package tui

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/latchdev/latch/auth"
)

type pane int

const (
	paneID pane = iota
	paneAccess
	paneUserinfo
)

var paneNames = []string{"ID token", "Access token", "Userinfo"}

type claimsModel struct {
	c         *Claims
	err       string
	pane      pane
	cursor    int
	filter    input
	filtering bool
	raw       bool
	view      viewport.Model
}

type claimsMsg struct {
	c   *Claims
	err error
}

type claimRow struct{ name, value, meaning string }

func newClaimsModel() claimsModel {
	return claimsModel{filter: newInput("/", "filter claims", 30), view: viewport.New()}
}

func (m *Model) loadClaims() tea.Cmd {
	if m.focus == "" {
		m.claims.err = "No tenant selected: pick one on the Tenants screen."
		return nil
	}
	b, ctx, tenant := m.opts.Backend, m.ctx, m.focus
	return func() tea.Msg {
		c, err := b.Claims(ctx, tenant)
		return claimsMsg{c, err}
	}
}

func (m *Model) updateClaims(msg tea.Msg) tea.Cmd {
	c := &m.claims
	switch msg := msg.(type) {
	case claimsMsg:
		c.c, c.err = msg.c, describe(msg.err)
		c.cursor = 0
		m.sizeRaw()
		return nil
	case tea.KeyPressMsg:
		if c.filtering {
			switch msg.String() {
			case "esc":
				c.filtering = false
				c.filter.SetValue("")
				c.filter.Blur()
			case "enter":
				c.filtering = false
				c.filter.Blur()
			default:
				if c.filter.update(msg) {
					c.cursor = 0
				}
			}
			return nil
		}
		return m.claimsKey(msg)
	}
	return nil
}

func (m *Model) claimsKey(msg tea.KeyPressMsg) tea.Cmd {
	c := &m.claims
	rows := m.claimRows()
	switch {
	case key.Matches(msg, m.keys.Left):
		c.pane, c.cursor = (c.pane+2)%3, 0
		m.sizeRaw()
	case key.Matches(msg, m.keys.Right):
		c.pane, c.cursor = (c.pane+1)%3, 0
		m.sizeRaw()
	case key.Matches(msg, m.keys.Raw):
		c.raw = !c.raw
		m.sizeRaw()
		c.view.GotoTop()
	case c.raw && (key.Matches(msg, m.keys.Up) || key.Matches(msg, m.keys.Down)):
		var cmd tea.Cmd
		c.view, cmd = c.view.Update(msg)
		return cmd
	case key.Matches(msg, m.keys.Up) || key.Matches(msg, m.keys.Down):
		c.cursor, _ = m.keys.moveCursor(msg, c.cursor, len(rows))
	case key.Matches(msg, m.keys.Filter):
		c.filtering = true
		c.filter.Focus()
	case key.Matches(msg, m.keys.CopyValue):
		if c.cursor < len(rows) {
			r := rows[c.cursor]
			return tea.Batch(tea.SetClipboard(r.value), flash(m.sentToClipboard("Claim "+r.name)))
		}
	}
	return nil
}

// current is the token of the pane in focus (nil for userinfo).
func (c *claimsModel) current() *Token {
	if c.c == nil {
		return nil
	}
	switch c.pane {
	case paneID:
		return &c.c.ID
	case paneAccess:
		return &c.c.Access
	}
	return nil
}

func (m Model) claimRows() []claimRow {
	c := m.claims
	if c.c == nil {
		return nil
	}
	var claims map[string]any
	if t := c.current(); t != nil {
		if t.Identity != nil {
			claims = t.Identity.Claims
		} else if t.Payload != "" {
			json.Unmarshal([]byte(t.Payload), &claims)
		}
	} else {
		claims = c.c.Userinfo
	}
	names := make([]string, 0, len(claims))
	for n := range claims {
		names = append(names, n)
	}
	sort.Strings(names)
	filter := strings.ToLower(c.filter.Value())
	now := m.opts.Now()
	var rows []claimRow
	for _, n := range names {
		r := claimRow{name: sanitize(n), value: sanitize(auth.ClaimValue(n, claims[n], now)), meaning: ClaimMeaning(n)}
		if filter != "" && !strings.Contains(strings.ToLower(r.name+" "+r.value+" "+r.meaning), filter) {
			continue
		}
		rows = append(rows, r)
	}
	return rows
}

func (m Model) viewClaims() (string, span) {
	c := m.claims
	var b strings.Builder
	var focus span
	var tabs []string
	for i, n := range paneNames {
		if pane(i) == c.pane {
			tabs = append(tabs, m.st.ActiveTab.Render(n))
		} else {
			tabs = append(tabs, m.st.Tab.Render(n))
		}
	}
	b.WriteString(truncate(m.st.Bold.Render("Claims")+"  "+strings.Join(tabs, " ")+m.st.Dim.Render("  ←/→"), m.width) + "\n")
	if c.err != "" {
		return b.String() + m.st.Err.Render(wrap(c.err, m.width)) + "\n", focus
	}
	if c.c == nil {
		return b.String() + m.st.Dim.Render("Loading…") + "\n", focus
	}
	for _, l := range strings.Split(m.badge(), "\n") {
		b.WriteString(truncate(l, m.width) + "\n")
	}
	if c.filtering || c.filter.Value() != "" {
		b.WriteString(c.filter.View(m.st) + "\n")
	}
	if c.raw {
		return b.String() + m.rawView(), focus
	}
	rows := m.claimRows()
	nameW, valueW := m.columns()
	for i, r := range rows {
		if i == c.cursor {
			focus = span{lines(&b), lines(&b)}
		}
		b.WriteString(m.fieldLine(r.name, r.value, r.meaning, i == c.cursor, nameW, valueW) + "\n")
	}
	if len(rows) == 0 {
		b.WriteString(m.st.Dim.Render("  no claims") + "\n")
	}
	return b.String(), focus
}

func (m Model) badge() string {
	t := m.claims.current()
	switch {
	case t == nil && m.claims.c.UserinfoErr != "":
		return m.st.Err.Render("userinfo: " + stripAdvice(m.claims.c.UserinfoErr))
	case t == nil:
		return m.st.Dim.Render("from the provider's userinfo endpoint")
	case t.Opaque && t.OpaqueHint != "":
		return wrap(m.st.Dim.Render("opaque access token (not a JWT). "+sanitize(t.OpaqueHint)), m.width)
	case t.Opaque:
		return m.st.Dim.Render("opaque access token (not a JWT)")
	case t.Identity != nil:
		id := t.Identity
		return m.st.Badge.Render("✓ verified") + m.st.Dim.Render(sanitize(fmt.Sprintf("  %s · kid %s · %s", id.Algorithm, id.KeyID, id.Issuer)))
	case t.Err != "":
		return m.st.Err.Render("✗ not verified: " + stripAdvice(t.Err))
	}
	return ""
}

// sizeRaw fits the raw JSON viewport to the window and fills it.
func (m *Model) sizeRaw() {
	v := &m.claims.view
	v.SetWidth(m.width)
	v.SetHeight(max(3, m.room()-3)) // under the pane tabs, the badge and a filter
	v.SetContent(m.rawContent())
}

func (m Model) rawView() string { return m.claims.view.View() }

func (m Model) rawContent() string {
	if m.claims.c == nil {
		return ""
	}
	t := m.claims.current()
	var content string
	switch {
	case t == nil:
		b, _ := json.MarshalIndent(m.claims.c.Userinfo, "", "  ")
		content = string(b)
	case t.Opaque:
		content = "(opaque token: no JSON inside)"
	default:
		content = "header\n" + t.Header + "\n\npayload\n" + t.Payload
	}
	return sanitizeLines(content)
}
