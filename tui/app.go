package tui

import (
	"context"
	"os"
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
	screenInspect
)

// tabs are the screens tab cycles through; sign-in is reached with enter.
var tabs = []struct {
	s    screen
	name string
}{{screenTenants, "Tenants"}, {screenSession, "Session"}, {screenClaims, "Claims"}, {screenCache, "Cache"}, {screenInspect, "Inspect"}}

// Options configure the UI.
type Options struct {
	Backend Backend
	// Tenant is focused at start, if set.
	Tenant string
	// OpenSession starts on Tenant's session screen (latch --tenant T
	// --account A opens that account's session).
	OpenSession bool
	// Hint is a one-line hint under the header (the demo says what to try).
	Hint    string
	NoColor bool
	// Dark is the assumed background until the terminal answers.
	Dark bool
	Now  func() time.Time
	// Getenv reads the environment (os.Getenv when nil): hyperlinks and
	// tmux are detected from it.
	Getenv func(string) string
}

// Model is the root model: a screen enum and one small model per screen.
type Model struct {
	opts     Options
	ctx      context.Context
	keys     keyMap
	st       styles
	help     help.Model
	showHelp bool
	helpTop  int // first help line shown
	width    int
	height   int
	screen   screen
	focus    string
	flash    string
	links    bool // OSC 8 hyperlinks for URLs
	inTmux   bool
	// urlSeen and urlEchoed are the sign-in URL's placement last seen on
	// screen and last written in one piece (see echoURL).
	urlSeen, urlEchoed string

	tenants tenantsModel
	signin  signinModel
	session sessionModel
	claims  claimsModel
	cache   cacheModel
	inspect inspectModel
}

// New builds the UI. ctx bounds every backend call.
func New(ctx context.Context, o Options) Model {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	m := Model{opts: o, ctx: ctx, keys: newKeyMap(), help: help.New(), width: 80, height: 24, focus: o.Tenant}
	m.links, m.inTmux = hyperlinks(o.Getenv), o.Getenv("TMUX") != ""
	m.st = newStyles(o.Dark, o.NoColor)
	m.help.Styles = help.DefaultStyles(o.Dark)
	m.tenants = newTenantsModel()
	m.claims = newClaimsModel()
	if o.OpenSession && o.Tenant != "" {
		m.screen = screenSession
	}
	return m
}

// Init loads the tenants and asks the terminal for its background.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.loadTenants(), tea.RequestBackgroundColor, tick()}
	if m.screen == screenSession {
		cmds = append(cmds, m.loadSession())
	}
	return tea.Batch(cmds...)
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
		return m, tea.Batch(tick(), m.echoURL())
	case flashMsg:
		m.flash = string(msg)
		return m, nil
	case tea.KeyPressMsg:
		if cmd, handled := m.globalKey(msg); handled {
			return m, cmd
		}
	case tea.PasteMsg:
		if m.showHelp {
			return m, nil
		}
	}
	return m.updateScreens(msg)
}

// globalKey handles keys that work everywhere, unless a screen is capturing
// text (a form, a filter) or asking a question.
func (m *Model) globalKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if m.showHelp {
		return m.helpKey(msg), true
	}
	if msg.String() == "ctrl+c" {
		m.signin.cancel()
		return tea.Quit, true
	}
	if m.typing(msg) || m.capturing() {
		return nil, false
	}
	switch {
	case key.Matches(msg, m.keys.Inspect):
		if m.screen == screenSignIn && m.signin.running() {
			return nil, true
		}
		m.inspect.clear()
		return m.show(screenInspect), true
	case key.Matches(msg, m.keys.Quit):
		m.signin.cancel()
		return tea.Quit, true
	case key.Matches(msg, m.keys.Help):
		m.showHelp, m.helpTop = true, 0
		return nil, true
	case key.Matches(msg, m.keys.SignIn) && (m.screen != screenClaims || m.claims.c == nil) && !m.signin.running() && m.focus != "":
		return m.startSignIn(m.focus, false), true
	case key.Matches(msg, m.keys.Device) && m.screen != screenTenants && !m.signin.running() && m.focus != "":
		return m.startSignIn(m.focus, true), true
	case key.Matches(msg, m.keys.Reload) && (m.screen == screenTenants || m.screen == screenClaims || m.screen == screenCache):
		return m.show(m.screen), true
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

// typing is true for a key that goes into the Inspect screen's token
// field: every key but tab, shift+tab and ?, which no token holds.
func (m *Model) typing(msg tea.KeyPressMsg) bool {
	if m.screen != screenInspect || !m.inspect.editing() {
		return false
	}
	return !key.Matches(msg, m.keys.Next) && !key.Matches(msg, m.keys.Prev) && !key.Matches(msg, m.keys.Help)
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
	case inspectMsg:
		cmd = m.updateInspect(msg)
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
		case screenInspect:
			cmd = m.updateInspect(msg)
		}
	}
	return m, cmd
}

// View draws the header, the screen and the footer. The screen is clipped
// to the room left, scrolled so that its focus (the selected row, the
// sign-in URL) stays in view.
func (m Model) View() tea.View {
	header, footer := m.header(), m.footer()
	room := m.height - lipgloss.Height(header) - lipgloss.Height(footer)
	var body string
	if m.showHelp {
		body = clip(m.viewHelp(), room, span{})
	} else {
		b, focus := m.viewScreen()
		body = clip(b, room, focus)
	}
	v := tea.NewView(lipgloss.JoinVertical(lipgloss.Left, header, body, footer))
	v.AltScreen = true
	v.WindowTitle = "latch"
	return v
}

func (m Model) viewScreen() (string, span) {
	switch m.screen {
	case screenTenants:
		return m.viewTenants()
	case screenSignIn:
		return m.viewSignIn()
	case screenSession:
		return m.viewSession(), span{}
	case screenClaims:
		return m.viewClaims()
	case screenCache:
		return m.viewCache()
	case screenInspect:
		return m.viewInspect()
	}
	return "", span{}
}

// room is the number of lines the screen's body gets.
func (m Model) room() int {
	return max(1, m.height-lipgloss.Height(m.header())-lipgloss.Height(m.footer()))
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
		name := m.st.Bold.Render(truncate(sanitize(m.focus), max(8, m.width/3)))
		right = m.st.Dim.Render("tenant: ") + name
		if lipgloss.Width(left)+1+lipgloss.Width(right) > m.width {
			right = name // the tabs first: a narrow terminal loses the label
		}
	}
	gap := max(1, m.width-lipgloss.Width(left)-lipgloss.Width(right))
	out := truncate(left+strings.Repeat(" ", gap)+right, m.width)
	if m.opts.Hint != "" {
		hint := truncate(m.opts.Hint, m.width)
		if m.height >= 20 {
			hint = wrap(m.opts.Hint, m.width)
		}
		out += "\n" + m.st.Dim.Render(hint)
	}
	if m.short() {
		return out
	}
	return out + "\n"
}

// short is a terminal with no lines to spare for blank ones: the blank
// lines under the header, above the footer and under titles go.
func (m Model) short() bool { return m.height < 20 }

// title is a screen's title, with a blank line under it when there is room.
func (m Model) title(s string) string {
	if m.short() {
		return m.st.Bold.Render(s)
	}
	return m.st.Title.Render(s)
}

func (m Model) footer() string {
	line := m.keyLine()
	if m.flash != "" {
		line = m.st.Warn.Render(wrap(sanitize(m.flash), m.width)) + "\n" + line
	}
	if m.short() {
		return line
	}
	return "\n" + line
}

// Run starts the UI on the terminal and returns when the user quits.
func Run(ctx context.Context, o Options) error {
	_, err := tea.NewProgram(New(ctx, o), tea.WithContext(ctx)).Run()
	if err != nil && ctx.Err() != nil {
		return nil
	}
	return err
}
