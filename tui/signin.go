package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

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
			s.err = auth.Explain(msg.err)
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
		return tea.Batch(tea.SetClipboard(s.url), flash("Sign-in URL copied to the clipboard (OSC 52)."))
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
				return flashMsg("Could not pick " + user + ": " + err.Error())
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

func (m Model) viewSignIn() string {
	s := m.signin
	if s.device {
		return m.viewDeviceSignIn()
	}
	var b strings.Builder
	b.WriteString(m.st.Title.Render("Signing in to "+s.tenant) + "\n")
	for _, o := range stepOrder {
		st, ok := s.steps[o.kind]
		if o.kind == auth.StepBrowser {
			if f, failed := s.steps[auth.StepBrowserFailed]; failed {
				st, ok = f, true
			}
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
				detail = short(max(0, s.deadline.Sub(m.opts.Now()))) + " left"
			}
		}
		if st.Kind == auth.StepBrowserFailed {
			mark = m.st.Warn.Render("!")
		}
		b.WriteString(fmt.Sprintf(" %s %s  %s\n", mark, pad(o.label, 31), m.st.Dim.Render(truncate(detail, max(10, m.width-37)))))
	}
	if s.key != "" {
		b.WriteString(fmt.Sprintf(" %s %s  %s\n", m.st.OK.Render("✓"), pad("Stored", 31), m.st.Dim.Render(truncate(s.key, max(10, m.width-37)))))
	}
	if s.url != "" && s.running() {
		b.WriteString("\n" + m.st.Dim.Render("If no browser opened, open this URL (c copies it):") + "\n")
		b.WriteString(wrapURL(s.url, m.width) + "\n")
		if _, ok := m.opts.Backend.(UserPicker); ok {
			b.WriteString(m.st.Key.Render("p") + " picks a demo user right here.\n")
		}
	}
	m.viewPickerAndError(&b, "signs in")
	return b.String()
}

// viewPickerAndError draws the demo user picker, when open, and the error
// of a failed sign-in with what to do.
func (m Model) viewPickerAndError(b *strings.Builder, enter string) {
	s := m.signin
	if s.picking {
		b.WriteString("\n" + m.st.Bold.Render("Pick a demo user (enter "+enter+", esc goes back):") + "\n")
		for i, u := range s.users {
			line := "  " + u
			if i == s.pickIdx {
				line = m.st.Selected.Render("> " + u)
			}
			b.WriteString(line + "\n")
		}
	}
	if s.err != "" {
		b.WriteString("\n" + m.st.Err.Render(s.err) + "\n" + m.st.Dim.Render("r retries, esc goes back to the tenants.") + "\n")
	}
}

func (s signinModel) stepAfter(k auth.StepKind) bool {
	for kind := range s.steps {
		if kind > k {
			return true
		}
	}
	return false
}

func (m Model) stepDetail(st auth.Step) string {
	switch st.Kind {
	case auth.StepBrowser:
		return "opened"
	case auth.StepBrowserFailed:
		return "could not open (" + st.Detail + ")"
	case auth.StepVerified:
		if st.Identity != nil {
			return st.Detail + " · " + st.Identity.Issuer
		}
	}
	return st.Detail
}

// wrapURL breaks a long URL over lines so a person can select it.
func wrapURL(u string, w int) string {
	if w < 20 {
		return u
	}
	var lines []string
	for len(u) > w {
		lines = append(lines, u[:w])
		u = u[w:]
	}
	return strings.Join(append(lines, u), "\n")
}

// viewDeviceSignIn shows the device code to enter on another device.
func (m Model) viewDeviceSignIn() string {
	s := m.signin
	var b strings.Builder
	b.WriteString(m.st.Title.Render("Signing in to "+s.tenant+" with a device code") + "\n")
	line := func(done bool, label, detail string) {
		mark := m.st.Dim.Render("·")
		if done {
			mark = m.st.OK.Render("✓")
		}
		b.WriteString(fmt.Sprintf(" %s %s  %s\n", mark, pad(label, 31), m.st.Dim.Render(truncate(detail, max(10, m.width-37)))))
	}
	d, ok := s.steps[auth.StepDiscovery]
	line(ok, "Discovery", d.Detail)
	_, got := s.steps[auth.StepDeviceCode]
	_, exchanged := s.steps[auth.StepExchange]
	switch {
	case got && !exchanged && !s.done:
		b.WriteString(fmt.Sprintf(" %s %s  %s\n", s.spin.View(), pad("Waiting for approval", 31), m.st.Dim.Render(short(max(0, s.deadline.Sub(m.opts.Now())))+" left")))
	default:
		line(exchanged, "Approved", "")
	}
	v, verified := s.steps[auth.StepVerified]
	line(verified, "ID token verified", m.stepDetail(v))
	if got && s.running() {
		b.WriteString("\nOn any device, open\n" + wrapURL(s.url, m.width) + "\nand enter the code  " + m.st.Bold.Render(s.code) + "\n")
		b.WriteString(m.st.Dim.Render("c copies the URL.") + "\n")
		if _, ok := m.opts.Backend.(UserPicker); ok {
			b.WriteString(m.st.Key.Render("p") + " approves it as a demo user right here.\n")
		}
	}
	m.viewPickerAndError(&b, "approves")
	return b.String()
}
