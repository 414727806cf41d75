package tui

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/latchdev/latch/auth"
)

// inspectTimeout bounds the discovery and key requests of one inspection.
const inspectTimeout = 15 * time.Second

// inspectModel is the Inspect screen: a field the user types or pastes a
// JWT into, then the decoded token and whether its signature verified.
type inspectModel struct {
	token  []byte // what was typed or pasted, whitespace dropped
	err    string // why the token could not be decoded, or was refused
	result *auth.Inspection
	// seq numbers verifications, so that one cleared by esc is ignored
	// when it answers; stop cancels the one running.
	seq     int
	running bool
	stop    context.CancelFunc
	cursor  int
}

type inspectMsg struct {
	seq int
	in  *auth.Inspection
	err error
}

// editing is true while the field has the keyboard.
func (im *inspectModel) editing() bool { return im.result == nil && !im.running }

// clear empties the field and forgets the result, cancelling a
// verification still running.
func (im *inspectModel) clear() {
	if im.stop != nil {
		im.stop()
	}
	seq := im.seq + 1
	*im = inspectModel{seq: seq}
}

// add appends typed or pasted text, dropping whitespace (a token wrapped
// over lines) and refusing to grow past auth.MaxTokenSize.
func (im *inspectModel) add(text string) {
	text = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, text)
	if len(im.token)+len(text) > auth.MaxTokenSize {
		im.err = fmt.Sprintf("That is more than %d KiB: no token is that large. Press esc to clear.", auth.MaxTokenSize>>10)
		return
	}
	im.token = append(im.token, text...)
	im.err = ""
}

func (m *Model) updateInspect(msg tea.Msg) tea.Cmd {
	im := &m.inspect
	switch msg := msg.(type) {
	case inspectMsg:
		if msg.seq != im.seq {
			return nil // cleared meanwhile
		}
		im.running, im.stop = false, nil
		if msg.err != nil {
			im.err = describe(msg.err)
			return nil
		}
		im.result, im.cursor = msg.in, 0
	case tea.PasteMsg:
		if !im.editing() {
			im.clear()
		}
		im.add(msg.Content)
	case tea.KeyPressMsg:
		return m.inspectKey(msg)
	}
	return nil
}

func (m *Model) inspectKey(msg tea.KeyPressMsg) tea.Cmd {
	im := &m.inspect
	switch {
	case key.Matches(msg, m.keys.ClearToken):
		im.clear()
	case !im.editing():
		if c, moved := m.keys.moveCursor(msg, im.cursor, len(m.inspectRows())); moved {
			im.cursor = c
		}
	case key.Matches(msg, m.keys.Verify):
		return m.verify()
	case msg.String() == "backspace":
		if len(im.token) > 0 {
			im.token, im.err = im.token[:len(im.token)-1], ""
		}
	case msg.String() == "ctrl+u":
		im.token, im.err = nil, ""
	case msg.Text != "" && msg.Mod&(tea.ModCtrl|tea.ModAlt) == 0:
		im.add(msg.Text)
	}
	return nil
}

// verify runs the inspection in a command: discovery and the key set are
// requests.
func (m *Model) verify() tea.Cmd {
	im := &m.inspect
	if len(im.token) == 0 {
		im.err = "Paste a token first."
		return nil
	}
	im.seq++
	ctx, stop := context.WithTimeout(m.ctx, inspectTimeout)
	im.running, im.stop, im.err = true, stop, ""
	b, tenant, token, seq := m.opts.Backend, m.focus, string(im.token), im.seq
	return func() tea.Msg {
		defer stop()
		in, err := b.Inspect(ctx, tenant, token)
		return inspectMsg{seq, in, err}
	}
}

// inspectRow is one field of the header or the claims; a row with no name
// is a section title.
type inspectRow struct{ name, value, meaning string }

// inspectRows are the header's fields then the claims, sorted by name,
// made terminal-safe.
func (m Model) inspectRows() []inspectRow {
	in := m.inspect.result
	if in == nil {
		return nil
	}
	now := m.opts.Now()
	var rows []inspectRow
	for _, part := range []struct {
		fields  map[string]any
		meaning func(string) string
	}{{in.Header, auth.HeaderMeaning}, {in.Claims, auth.ClaimMeaning}} {
		names := make([]string, 0, len(part.fields))
		for n := range part.fields {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			rows = append(rows, inspectRow{sanitize(n), sanitize(auth.ClaimValue(n, part.fields[n], now)), part.meaning(n)})
		}
	}
	return rows
}

// verdict says plainly whether the signature verified, with what, or why
// not; an expired token says so too.
func (m Model) verdict() string {
	in := m.inspect.result
	if !in.Verified {
		return wrap(m.st.Err.Render("✗ NOT verified: "+verifyReason(in.VerifyError)), m.width)
	}
	s := m.st.Badge.Render("✓ verified") + sanitize(fmt.Sprintf(": %s kid %s, issuer %s", in.Alg, in.KeyID, in.Issuer))
	out := wrap(s, m.width) + "\n" + m.st.Dim.Render(truncate("  keys from "+sanitize(in.KeysFrom), m.width))
	if exp, ok := in.Claims["exp"].(float64); ok {
		if t := time.Unix(int64(exp), 0); t.Before(m.opts.Now()) {
			out += "\n" + m.st.Warn.Render("  the token expired "+auth.Relative(t, m.opts.Now()))
		}
	}
	return out
}

// verifyReason is why a token did not verify, for a person.
func verifyReason(err error) string {
	if err == nil {
		return "no reason given"
	}
	s := stripAdvice(err.Error())
	switch {
	case errors.Is(err, auth.ErrUnsigned):
		s += ": anyone could have written it"
	}
	return s
}

func (m Model) viewInspect() (string, span) {
	im := m.inspect
	var b strings.Builder
	var focus span
	b.WriteString(m.title("Inspect a token") + "\n")
	b.WriteString(m.tokenField() + "\n")
	switch {
	case im.err != "":
		b.WriteString(wrap(m.st.Err.Render(im.err), m.width) + "\n")
	case im.running:
		b.WriteString(m.st.Dim.Render("Verifying…") + "\n")
	case im.result == nil:
		b.WriteString(wrap(m.st.Dim.Render("Paste a JWT (an ID or access token) and press enter. Its keys come from "+
			"its issuer's discovery, or from the tenant in focus when the token is its."), m.width) + "\n")
	}
	if im.result == nil {
		return b.String(), focus
	}
	b.WriteString(m.verdict() + "\n")
	nameW, valueW := m.columns()
	section := ""
	for i, r := range m.inspectRows() {
		if s := m.sectionOf(i); s != section {
			section = s
			b.WriteString(m.st.Bold.Render(s) + "\n")
		}
		if i == im.cursor {
			focus = span{lines(&b), lines(&b)}
		}
		b.WriteString(m.fieldLine(r.name, r.value, r.meaning, i == im.cursor, nameW, valueW) + "\n")
	}
	return b.String(), focus
}

// sectionOf is the title of the section the i-th row is in.
func (m Model) sectionOf(i int) string {
	if i < len(m.inspect.result.Header) {
		return "Header"
	}
	return "Claims"
}

// tokenField shows the token and its length: while it is typed its end,
// where the typing is, then its start.
func (m Model) tokenField() string {
	im := m.inspect
	count := ""
	if n := len(im.token); n > 0 {
		count = m.st.Dim.Render(fmt.Sprintf("  %d characters", n))
	}
	cursor := ""
	if im.editing() {
		cursor = "█"
	}
	room := max(4, m.width-len("Token  ")-len(cursor)-len(fmt.Sprintf("  %d characters", len(im.token))))
	text := sanitize(string(im.token))
	if r := []rune(text); len(r) > room && im.editing() {
		text = "…" + string(r[len(r)-room+1:])
	} else if len(r) > room {
		text = string(r[:room-1]) + "…"
	}
	if text == "" && !im.editing() {
		text = m.st.Dim.Render("(none)")
	}
	return truncate(m.st.Bold.Render("Token  ")+text+cursor+count, m.width)
}

// columns are the widths of the name and value columns of a field list.
func (m Model) columns() (nameW, valueW int) {
	nameW = min(20, max(8, m.width/4))
	return nameW, max(16, min(44, m.width-nameW-24))
}

// fieldLine is one name, value and meaning row of a field list.
func (m Model) fieldLine(name, value, meaning string, selected bool, nameW, valueW int) string {
	name, value = pad(truncate(name, nameW-1), nameW), pad(truncate(value, valueW), valueW)
	desc := m.st.Dim.Render(truncate(meaning, max(0, m.width-nameW-valueW-4)))
	line := "  " + name + value + "  " + desc
	if selected {
		line = m.st.Selected.Render("> "+name+value) + "  " + desc
	}
	return truncate(line, m.width)
}
