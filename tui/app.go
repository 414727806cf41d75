package tui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

type screen int

const (
	screenTenants screen = iota
	screenSession
	screenClaims
	screenCache
	screenSignIn
)

// tabs are the screens tab cycles through; sign-in is reached with enter.
var tabs = []struct {
	s    screen
	name string
}{{screenTenants, "Tenants"}, {screenSession, "Session"}, {screenClaims, "Claims"}, {screenCache, "Cache"}}

// Options configure the UI.
type Options struct {
	Backend Backend
	// Tenant is focused at start, if set.
	Tenant string
	// Hint is a one-line hint under the header (the demo says what to try).
	Hint    string
	NoColor bool
	// Dark is the assumed background until the terminal answers.
	Dark bool
	Now  func() time.Time
}

// Model is the root model: a screen enum and one small model per screen.
type Model struct {
	opts     Options
	ctx      context.Context
	keys     keyMap
	st       styles
	help     help.Model
	showHelp bool
	width    int
	height   int
	screen   screen
	focus    string
	flash    string

	tenants tenantsModel
	signin  signinModel
	session sessionModel
	claims  claimsModel
	cache   cacheModel
}

// New builds the UI. ctx bounds every backend call.
func New(ctx context.Context, o Options) Model {
	if o.Now == nil {
		o.Now = time.Now
	}
	m := Model{opts: o, ctx: ctx, keys: newKeyMap(), help: help.New(), width: 80, height: 24, focus: o.Tenant}
	m.st = newStyles(o.Dark, o.NoColor)
	m.help.Styles = help.DefaultStyles(o.Dark)
	m.tenants = newTenantsModel()
	m.claims = newClaimsModel()
	return m
}

// Init loads the tenants and asks the terminal for its background.
func (m Model) Init() tea.Cmd {
	return tea.Batch(m.loadTenants(), tea.RequestBackgroundColor, tick())
}

type tickMsg time.Time

func tick() tea.Cmd { return tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) }) }

// flashMsg shows a short message in the footer.
type flashMsg string

// Update dispatches: global messages here, the rest to the screen in focus.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		m.sizeRaw()
		return m, nil
	case tea.BackgroundColorMsg:
		m.st = newStyles(msg.IsDark(), m.opts.NoColor)
		m.help.Styles = help.DefaultStyles(msg.IsDark())
		return m, nil
	case tickMsg:
		return m, tick()
	case flashMsg:
		m.flash = string(msg)
		return m, nil
	case tea.KeyPressMsg:
		if cmd, handled := m.globalKey(msg); handled {
			return m, cmd
		}
	}
	return m.updateScreens(msg)
}

// globalKey handles keys that work everywhere, unless a screen is capturing
// text (a form, a filter) or asking a question.
func (m *Model) globalKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if msg.String() == "ctrl+c" {
		m.signin.cancel()
		return tea.Quit, true
	}
	if m.capturing() {
		return nil, false
	}
	switch {
	case key.Matches(msg, m.keys.Quit):
		m.signin.cancel()
		return tea.Quit, true
	case key.Matches(msg, m.keys.Help):
		m.showHelp = !m.showHelp
		return nil, true
	case key.Matches(msg, m.keys.Next), key.Matches(msg, m.keys.Prev):
		if m.screen == screenSignIn && m.signin.running() {
			return nil, true
		}
		step := 1
		if key.Matches(msg, m.keys.Prev) {
			step = len(tabs) - 1
		}
		i := 0
		for j, t := range tabs {
			if t.s == m.screen {
				i = j
			}
		}
		return m.show(tabs[(i+step)%len(tabs)].s), true
	}
	return nil, false
}

func (m *Model) capturing() bool {
	return m.tenants.form != nil || m.tenants.confirm != "" || m.claims.filtering || m.cache.confirm != "" || m.session.confirm
}

// show switches screen and loads what it needs.
func (m *Model) show(s screen) tea.Cmd {
	m.screen = s
	m.flash = ""
	switch s {
	case screenTenants:
		return m.loadTenants()
	case screenSession:
		return m.loadSession()
	case screenClaims:
		return m.loadClaims()
	case screenCache:
		return m.loadCache()
	}
	return nil
}

func (m Model) updateScreens(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg.(type) {
	case tenantsMsg, tenantAddedMsg, tenantRemovedMsg:
		cmd = m.updateTenants(msg)
	case stepMsg, signInDoneMsg:
		cmd = m.updateSignIn(msg)
	case sessionMsg, signedOutMsg, copyMsg:
		cmd = m.updateSession(msg)
	case claimsMsg:
		cmd = m.updateClaims(msg)
	case cacheMsg, cacheDeletedMsg:
		cmd = m.updateCache(msg)
	default:
		switch m.screen {
		case screenTenants:
			cmd = m.updateTenants(msg)
		case screenSignIn:
			cmd = m.updateSignIn(msg)
		case screenSession:
			cmd = m.updateSession(msg)
		case screenClaims:
			cmd = m.updateClaims(msg)
		case screenCache:
			cmd = m.updateCache(msg)
		}
	}
	return m, cmd
}

// View draws the header, the screen and the footer.
func (m Model) View() tea.View {
	var body string
	switch m.screen {
	case screenTenants:
		body = m.viewTenants()
	case screenSignIn:
		body = m.viewSignIn()
	case screenSession:
		body = m.viewSession()
	case screenClaims:
		body = m.viewClaims()
	case screenCache:
		body = m.viewCache()
	}
	if m.showHelp {
		body = m.help.FullHelpView(m.keys.forScreen(m.screen, m.picker()).FullHelp())
	}
	header := m.header()
	footer := m.footer()
	room := m.height - lipgloss.Height(header) - lipgloss.Height(footer)
	body = clip(body, room)
	v := tea.NewView(lipgloss.JoinVertical(lipgloss.Left, header, body, footer))
	v.AltScreen = true
	v.WindowTitle = "latch"
	return v
}

func (m Model) picker() bool { _, ok := m.opts.Backend.(UserPicker); return ok }

func (m Model) header() string {
	parts := []string{m.st.Header.Render("latch")}
	for _, t := range tabs {
		style := m.st.Tab
		if t.s == m.screen || (m.screen == screenSignIn && t.s == screenTenants) {
			style = m.st.ActiveTab
		}
		parts = append(parts, style.Render(t.name))
	}
	left := strings.Join(parts, " ")
	right := ""
	if m.focus != "" {
		right = m.st.Dim.Render("tenant: ") + m.st.Bold.Render(m.focus)
	}
	gap := max(1, m.width-lipgloss.Width(left)-lipgloss.Width(right))
	out := left + strings.Repeat(" ", gap) + right
	if m.opts.Hint != "" {
		out += "\n" + m.st.Dim.Render(truncate(m.opts.Hint, m.width))
	}
	return out + "\n"
}

func (m Model) footer() string {
	line := m.help.ShortHelpView(m.keys.forScreen(m.screen, m.picker()).ShortHelp())
	if m.flash != "" {
		line = m.st.Warn.Render(truncate(m.flash, m.width)) + "\n" + line
	}
	return "\n" + line
}

// clip keeps at most n lines, so the footer stays on screen.
func clip(s string, n int) string {
	if n < 1 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	for len(lines) < n {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

func truncate(s string, w int) string {
	if w <= 1 || lipgloss.Width(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && lipgloss.Width(string(r))+1 > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// Run starts the UI on the terminal and returns when the user quits.
func Run(ctx context.Context, o Options) error {
	_, err := tea.NewProgram(New(ctx, o), tea.WithContext(ctx)).Run()
	if err != nil && ctx.Err() != nil {
		return nil
	}
	return err
}
