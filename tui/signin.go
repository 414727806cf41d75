package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/latchdev/latch/auth"
)

// signinModel is the live sign-in: each step ticks as it happens.
type signinModel struct {
	tenant   string
	device   bool
	code     string // the device flow's user code
	steps    map[auth.StepKind]auth.Step
	browser  string // opened, or failed: the reason
	url      string
	deadline time.Time
	events   chan tea.Msg
	stop     context.CancelFunc
	done     bool
	err      string
	key      string
	spin     spinner.Model
	picking  bool
	users    []string
	pickIdx  int
}

type stepMsg auth.Step
type signInDoneMsg struct {
	session *Session
	err     error
}

func (s *signinModel) running() bool { return s.events != nil && !s.done }

// cancel stops a running sign-in; the listener closes and the port is free.
func (s *signinModel) cancel() {
	if s.stop != nil {
		s.stop()
	}
}

// startSignIn starts the sign-in in a command; its progress comes back as
// stepMsg, one at a time, then one signInDoneMsg.
func (m *Model) startSignIn(tenant string, device bool) tea.Cmd {
	m.signin.cancel()
	ctx, stop := context.WithCancel(m.ctx)
	events := make(chan tea.Msg, 32)
	m.signin = signinModel{tenant: tenant, device: device, steps: map[auth.StepKind]auth.Step{}, events: events, stop: stop,
		spin: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
	m.screen, m.focus, m.flash = screenSignIn, tenant, ""
	b := m.opts.Backend
	run := func() tea.Msg {
		go func() {
			s, err := b.SignIn(ctx, tenant, device, func(st auth.Step) { events <- stepMsg(st) })
			events <- signInDoneMsg{s, err}
		}()
		return <-events
	}
	return tea.Batch(run, m.signin.spin.Tick)
}

func (s *signinModel) next() tea.Cmd {
	events := s.events
	return func() tea.Msg { return <-events }
}

func (m *Model) updateSignIn(msg tea.Msg) tea.Cmd {
	s := &m.signin
	switch msg := msg.(type) {
	case stepMsg:
		st := auth.Step(msg)
		s.steps[st.Kind] = st
		switch st.Kind {
		case auth.StepBrowser, auth.StepBrowserFailed:
			s.url = st.URL
			s.browser = st.Detail
		case auth.StepWaiting:
			s.deadline = st.Deadline
		case auth.StepDeviceCode:
			s.url, s.code, s.deadline = st.URL, st.Detail, st.Deadline
		}
		return s.next()
	case signInDoneMsg:
		s.done, s.picking = true, false
		s.stop()
		if msg.err != nil {
			s.err = describe(msg.err)
			if !strings.Contains(s.err, "Press ") {
				s.err += " Press r to try again."
			}
			return nil
		}
		s.key = msg.session.Key
		m.session.s, m.session.err = msg.session, ""
		return m.show(screenSession)
	case spinner.TickMsg:
		if s.running() {
			var cmd tea.Cmd
			s.spin, cmd = s.spin.Update(msg)
			return cmd
		}
	case tea.KeyPressMsg:
		return m.signInKey(msg)
	}
	return nil
}

func (m *Model) signInKey(msg tea.KeyPressMsg) tea.Cmd {
	s := &m.signin
	if s.picking {
		return m.pickKey(msg)
	}
	switch {
	case key.Matches(msg, m.keys.Back):
		if s.running() {
			s.cancel()
			return nil
		}
		return m.show(screenTenants)
	case key.Matches(msg, m.keys.Retry) && s.done && s.err != "":
		return m.startSignIn(s.tenant, s.device)
	case key.Matches(msg, m.keys.Copy) && s.url != "":
		return tea.Batch(tea.SetClipboard(s.url), flash(m.sentToClipboard("Sign-in URL")))
	case key.Matches(msg, m.keys.Pick) && s.running() && s.url != "":
		if p, ok := m.opts.Backend.(UserPicker); ok {
			s.users, s.pickIdx, s.picking = p.Users(s.tenant), 0, true
		}
	}
	return nil
}

// pickKey chooses a demo user in the terminal instead of the browser.
func (m *Model) pickKey(msg tea.KeyPressMsg) tea.Cmd {
	s := &m.signin
	if cur, moved := m.keys.moveCursor(msg, s.pickIdx, len(s.users)); moved {
		s.pickIdx = cur
		return nil
	}
	switch {
	case key.Matches(msg, m.keys.Back):
		s.picking = false
	case key.Matches(msg, m.keys.Enter) && len(s.users) > 0:
		s.picking = false
		p, url, user := m.opts.Backend.(UserPicker), s.url, s.users[s.pickIdx]
		return func() tea.Msg {
			if err := p.Pick(url, user); err != nil {
				return flashMsg("Could not pick " + user + ": " + describe(err))
			}
			return flashMsg("Signing in as " + user + "…")
		}
	}
	return nil
}

func flash(s string) tea.Cmd { return func() tea.Msg { return flashMsg(s) } }

var stepOrder = []struct {
	kind  auth.StepKind
	label string
}{
	{auth.StepDiscovery, "Discovery"},
	{auth.StepListener, "Listener"},
	{auth.StepBrowser, "Browser"},
	{auth.StepWaiting, "Waiting for you in the browser"},
	{auth.StepCallback, "Callback received"},
	{auth.StepExchange, "Code exchanged"},
	{auth.StepVerified, "ID token verified"},
}

func (m Model) viewSignIn() (string, span) {
	s := m.signin
	if s.device {
		return m.viewDeviceSignIn()
	}
	var b strings.Builder
	b.WriteString(m.title(truncate("Signing in to "+sanitize(s.tenant), m.width)) + "\n")
	for _, o := range stepOrder {
		st, ok := s.steps[o.kind]
		if o.kind == auth.StepBrowser {
			if f, failed := s.steps[auth.StepBrowserFailed]; failed {
				st, ok = f, true
			}
		}
		// A short terminal keeps the line that moves and any warning: the
		// URL below needs the room.
		if m.height < 20 && o.kind != auth.StepWaiting && st.Kind != auth.StepBrowserFailed {
			continue
		}
		mark, detail := m.st.Dim.Render("·"), ""
		if ok {
			mark = m.st.OK.Render("✓")
			detail = m.stepDetail(st)
		}
		if o.kind == auth.StepWaiting && ok && !s.stepAfter(auth.StepWaiting) {
			mark = s.spin.View()
			if s.done {
				mark = m.st.Err.Render("✗")
			} else {
				detail = auth.ShortDuration(max(0, s.deadline.Sub(m.opts.Now()))) + " left"
			}
		}
		if st.Kind == auth.StepBrowserFailed {
			mark = m.st.Warn.Render("!")
		}
		m.stepLine(&b, mark, o.label, detail)
	}
	if s.key != "" {
		m.stepLine(&b, m.st.OK.Render("✓"), "Stored", sanitize(s.key))
	}
	var focus span
	if s.url != "" && s.running() {
		b.WriteString("\n" + m.st.Dim.Render(truncate("If no browser opened, open this URL (c copies it):", m.width)) + "\n")
		focus = m.viewURL(&b)
		if _, ok := m.opts.Backend.(UserPicker); ok {
			b.WriteString(truncate(m.st.Key.Render("p")+" picks a demo user right here.", m.width) + "\n")
			focus.to++
		}
	}
	if f := m.viewPickerAndError(&b, "signs in"); f != (span{}) {
		focus = f
	}
	return b.String(), focus
}

// stepLine is one step of a sign-in: mark, label, detail. The label column
// narrows on a narrow terminal.
func (m Model) stepLine(b *strings.Builder, mark, label, detail string) {
	lw := min(31, max(12, m.width-30))
	b.WriteString(truncate(fmt.Sprintf(" %s %s  %s", mark, pad(truncate(label, lw), lw), m.st.Dim.Render(truncate(detail, max(1, m.width-lw-5)))), m.width) + "\n")
}

// viewURL prints the sign-in URL on lines of its own, whole: cut at the
// width exactly as the terminal would wrap it, so that once latch has
// written it in one piece (see echoURL) the terminal and tmux know the
// rows as one wrapped line. It returns the rows it took.
func (m Model) viewURL(b *strings.Builder) span {
	from := lines(b)
	u := sanitize(m.signin.url)
	style := lipgloss.NewStyle()
	if m.links {
		style = style.Hyperlink(u)
	}
	for _, row := range urlRows(u, m.width) {
		b.WriteString(style.Render(row) + "\n")
	}
	return span{from, lines(b) - 1}
}

// urlRows cuts u into rows of w cells, the way a terminal wraps it.
func urlRows(u string, w int) []string {
	var rows []string
	for w > 0 && ansi.StringWidth(u) > w {
		row := ansi.Truncate(u, w, "")
		rows = append(rows, row)
		u = u[len(row):]
	}
	return append(rows, u)
}

// viewPickerAndError draws the demo user picker, when open, and the error
// of a failed sign-in with what to do. It returns the lines to keep in view.
func (m Model) viewPickerAndError(b *strings.Builder, enter string) span {
	s := m.signin
	var focus span
	if s.picking {
		focus.from = lines(b)
		b.WriteString("\n" + m.st.Bold.Render(wrap("Pick a demo user (enter "+enter+", esc goes back):", m.width)) + "\n")
		for i, u := range s.users {
			line := "  " + truncate(sanitize(u), m.width-2)
			if i == s.pickIdx {
				line = m.st.Selected.Render("> " + truncate(sanitize(u), m.width-2))
			}
			b.WriteString(line + "\n")
		}
		focus.to = lines(b) - 1
	}
	if s.err != "" {
		focus.from = lines(b)
		b.WriteString("\n" + m.st.Err.Render(wrap(s.err, m.width)) + "\n" + m.st.Dim.Render(wrap("esc goes back to the tenants.", m.width)) + "\n")
		focus.to = lines(b) - 1
	}
	return focus
}

func (s signinModel) stepAfter(k auth.StepKind) bool {
	for kind := range s.steps {
		// A rejected paste is not progress: the wait goes on.
		if kind > k && kind != auth.StepPasteRejected {
			return true
		}
	}
	return false
}

// stepDetail is what a step says beside its label, made safe; a step served
// from a cache (discovery, keys) says so.
func (m Model) stepDetail(st auth.Step) string {
	var d string
	switch st.Kind {
	case auth.StepBrowser:
		d = "opened"
	case auth.StepBrowserFailed:
		d = "could not open (" + stripAdvice(st.Detail) + ")"
	case auth.StepVerified:
		d = st.Detail
		if st.Identity != nil {
			d += " · " + st.Identity.Issuer
		}
	default:
		d = st.Detail
	}
	if st.Cached {
		d += " (cached)"
	}
	return sanitize(d)
}

// viewDeviceSignIn shows the device code to enter on another device.
func (m Model) viewDeviceSignIn() (string, span) {
	s := m.signin
	var b strings.Builder
	b.WriteString(m.title(truncate("Signing in to "+sanitize(s.tenant)+" with a device code", m.width)) + "\n")
	line := func(done bool, label, detail string) {
		mark := m.st.Dim.Render("·")
		if done {
			mark = m.st.OK.Render("✓")
		}
		m.stepLine(&b, mark, label, detail)
	}
	d, ok := s.steps[auth.StepDiscovery]
	line(ok, "Discovery", m.stepDetail(d))
	_, got := s.steps[auth.StepDeviceCode]
	_, exchanged := s.steps[auth.StepDeviceApproved]
	switch {
	case got && !exchanged && !s.done:
		m.stepLine(&b, s.spin.View(), "Waiting for approval", auth.ShortDuration(max(0, s.deadline.Sub(m.opts.Now())))+" left")
	default:
		line(exchanged, "Approved", "")
	}
	v, verified := s.steps[auth.StepVerified]
	line(verified, "ID token verified", m.stepDetail(v))
	var focus span
	if got && s.running() {
		b.WriteString("\nOn any device, open\n")
		focus = m.viewURL(&b)
		b.WriteString("and enter the code  " + m.st.Bold.Render(sanitize(s.code)) + "\n")
		focus.to = lines(&b) - 1
		b.WriteString(m.st.Dim.Render("c copies the URL.") + "\n")
		if _, ok := m.opts.Backend.(UserPicker); ok {
			b.WriteString(truncate(m.st.Key.Render("p")+" approves it as a demo user right here.", m.width) + "\n")
		}
	}
	if f := m.viewPickerAndError(&b, "approves"); f != (span{}) {
		focus = f
	}
	return b.String(), focus
}
