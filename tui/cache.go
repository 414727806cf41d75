package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
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
		c.list, c.explain, c.err = msg.list, msg.explain, errText(msg.err)
		c.cursor = min(c.cursor, max(0, len(c.list)-1))
	case cacheDeletedMsg:
		if msg.err != nil {
			m.flash = msg.err.Error()
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

func (m Model) viewCache() string {
	c := m.cache
	var b strings.Builder
	b.WriteString(m.st.Title.Render("Cache") + "\n")
	if c.err != "" {
		b.WriteString(m.st.Err.Render(c.err) + "\n")
	}
	if len(c.list) == 0 && c.err == "" {
		b.WriteString(m.st.Dim.Render("Nothing stored. Sign in to a tenant first.") + "\n")
	}
	if ex := c.explain; ex != nil {
		verdict := m.st.OK.Render("hit")
		if !ex.Hit {
			verdict = m.st.Warn.Render("miss: " + ex.Verdict)
		}
		b.WriteString(fmt.Sprintf("Token lookup for %s: %s %s\n", m.focus, verdict, m.st.Dim.Render(truncate("— "+ex.Reason, max(10, m.width-30-len(m.focus))))))
		for _, f := range ex.Fields {
			b.WriteString(m.st.Dim.Render(truncate(fmt.Sprintf("  %-9s %s  ← %s", f.Name, f.Value, f.Source), m.width)) + "\n")
		}
		b.WriteString("\n")
	}
	now := m.opts.Now()
	for i, e := range c.list {
		exp := "—"
		if !e.Expires.IsZero() {
			exp = Relative(e.Expires, now)
		}
		line := fmt.Sprintf("%s  %s  %5dB  %d chunk(s)  %s", pad(truncate(e.Account, 24), 24), pad(truncate(e.Tenant, 30), 30), e.Size, max(1, e.Chunks), exp)
		if i == c.cursor {
			b.WriteString(m.st.Selected.Render("> "+truncate(line, m.width-2)) + "\n")
			b.WriteString(m.st.Dim.Render("  key  "+truncate(e.Key, m.width-7)) + "\n")
			if len(e.Audiences) > 0 {
				b.WriteString(m.st.Dim.Render("  aud  "+truncate(strings.Join(e.Audiences, ", "), m.width-7)) + "\n")
			}
			b.WriteString(m.st.Dim.Render("  in   "+e.Store) + "\n")
		} else {
			b.WriteString("  " + truncate(line, m.width-2) + "\n")
		}
	}
	if c.confirm != "" {
		b.WriteString("\n" + m.st.Warn.Render("Delete this entry from the store (no revocation)? y/n") + "\n")
	}
	return b.String()
}
