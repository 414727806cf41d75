package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/latchdev/latch/auth"
)

type cacheModel struct {
	explain *Explanation
	list    []CacheEntry
	err     string
	cursor  int
	confirm string
}

type cacheMsg struct {
	list    []CacheEntry
	explain *Explanation
	err     error
}
type cacheDeletedMsg struct{ err error }

func (m *Model) loadCache() tea.Cmd {
	b, ctx, tenant := m.opts.Backend, m.ctx, m.focus
	return func() tea.Msg {
		l, err := b.Cache(ctx)
		var ex *Explanation
		if tenant != "" && err == nil {
			ex, _ = b.Explain(ctx, tenant)
		}
		return cacheMsg{l, ex, err}
	}
}

func (m *Model) updateCache(msg tea.Msg) tea.Cmd {
	c := &m.cache
	switch msg := msg.(type) {
	case cacheMsg:
		c.list, c.explain, c.err = msg.list, msg.explain, describe(msg.err)
		c.cursor = min(c.cursor, max(0, len(c.list)-1))
	case cacheDeletedMsg:
		if msg.err != nil {
			m.flash = describe(msg.err)
		} else {
			m.flash = "Deleted the entry from the store."
		}
		return m.loadCache()
	case tea.KeyPressMsg:
		if c.confirm != "" {
			k := c.confirm
			c.confirm = ""
			if key.Matches(msg, m.keys.Yes) {
				b, ctx := m.opts.Backend, m.ctx
				return func() tea.Msg { return cacheDeletedMsg{b.DeleteCache(ctx, k)} }
			}
			return nil
		}
		if cur, moved := m.keys.moveCursor(msg, c.cursor, len(c.list)); moved {
			c.cursor = cur
		} else if key.Matches(msg, m.keys.Delete) && c.cursor < len(c.list) {
			c.confirm = c.list[c.cursor].Key
		}
	}
	return nil
}

func (m Model) viewCache() (string, span) {
	c := m.cache
	var b strings.Builder
	var focus span
	b.WriteString(m.title("Cache") + "\n")
	if c.err != "" {
		b.WriteString(m.st.Err.Render(wrap(c.err, m.width)) + "\n")
	}
	if len(c.list) == 0 && c.err == "" {
		b.WriteString(m.st.Dim.Render("Nothing stored. Sign in to a tenant first.") + "\n")
	}
	m.viewExplain(&b)
	now := m.opts.Now()
	for i, e := range c.list {
		exp := "—"
		if !e.Expires.IsZero() {
			exp = auth.Relative(e.Expires, now)
		}
		line := m.cacheRow(e, exp)
		if i != c.cursor {
			b.WriteString("  " + truncate(line, m.width-2) + "\n")
			continue
		}
		focus.from = lines(&b)
		b.WriteString(m.st.Selected.Render("> "+truncate(line, m.width-2)) + "\n")
		if m.narrow() {
			b.WriteString(m.st.Dim.Render("  iss  "+truncate(sanitize(e.Tenant), m.width-7)) + "\n")
		}
		b.WriteString(m.st.Dim.Render("  key  "+truncate(sanitize(e.Key), m.width-7)) + "\n")
		if len(e.Audiences) > 0 {
			b.WriteString(m.st.Dim.Render("  aud  "+truncate(sanitize(strings.Join(e.Audiences, ", ")), m.width-7)) + "\n")
		}
		b.WriteString(m.st.Dim.Render("  in   "+truncate(sanitize(e.Store), m.width-7)) + "\n")
		focus.to = lines(&b) - 1
	}
	if c.confirm != "" {
		focus.from = lines(&b)
		b.WriteString("\n" + m.st.Warn.Render(wrap("Delete this entry from the store (no revocation)? y/n", m.width)) + "\n")
		focus.to = lines(&b) - 1
	}
	return b.String(), focus
}

// cacheRow is one entry of the list: account, tenant, size, chunks and
// expiry; a narrow terminal leaves the tenant to the detail lines.
func (m Model) cacheRow(e CacheEntry, exp string) string {
	rest := fmt.Sprintf("%5dB  %d chunk(s)  %s", e.Size, max(1, e.Chunks), exp)
	if m.narrow() {
		aw := max(8, m.width-2-2-lipgloss.Width(rest))
		return pad(truncate(sanitize(e.Account), aw), aw) + "  " + rest
	}
	aw := min(32, (m.width-35)/2)
	tw := min(40, m.width-35-aw)
	return pad(truncate(sanitize(e.Account), aw), aw) + "  " + pad(truncate(sanitize(e.Tenant), tw), tw) + "  " + rest
}

// viewExplain says which key a token lookup for the tenant in focus uses
// and whether it hits.
func (m Model) viewExplain(b *strings.Builder) {
	ex := m.cache.explain
	if ex == nil {
		return
	}
	verdict := m.st.OK.Render("hit")
	if !ex.Hit {
		verdict = m.st.Warn.Render("miss: " + sanitize(ex.Verdict))
	}
	line := fmt.Sprintf("Token lookup for %s: %s %s", sanitize(m.focus), verdict, m.st.Dim.Render("— "+stripAdvice(ex.Reason)))
	b.WriteString(truncate(line, m.width) + "\n")
	for _, f := range ex.Fields {
		b.WriteString(m.st.Dim.Render(truncate(sanitize(fmt.Sprintf("  %-9s %s  ← %s", f.Name, f.Value, f.Source)), m.width)) + "\n")
	}
	b.WriteString("\n")
}
