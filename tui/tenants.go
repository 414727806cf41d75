package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/auth/session"
)

type tenantsModel struct {
	list    []Tenant
	err     string
	cursor  int
	form    *tenantForm
	confirm string // the tenant asked about for deletion
	// repoint is the form's tenant, asked about because saving it would
	// re-point a profile that has sessions.
	repoint *NewTenant
	loaded  bool
}

type tenantForm struct {
	inputs []input
	focus  int
	err    string
}

func newTenantsModel() tenantsModel { return tenantsModel{} }

type tenantsMsg struct {
	list []Tenant
	err  error
}
type tenantAddedMsg struct {
	t   NewTenant
	err error
}
type tenantRemovedMsg struct {
	name string
	err  error
}

func (m *Model) loadTenants() tea.Cmd {
	b, ctx := m.opts.Backend, m.ctx
	return func() tea.Msg {
		list, err := b.Tenants(ctx)
		return tenantsMsg{list, err}
	}
}

func (m *Model) selectedTenant() (Tenant, bool) {
	t := &m.tenants
	if t.cursor < 0 || t.cursor >= len(t.list) {
		return Tenant{}, false
	}
	return t.list[t.cursor], true
}

func (m *Model) updateTenants(msg tea.Msg) tea.Cmd {
	t := &m.tenants
	switch msg := msg.(type) {
	case tenantsMsg:
		t.loaded = true
		t.list, t.err = msg.list, describe(msg.err)
		t.cursor = min(t.cursor, max(0, len(t.list)-1))
		for i, tn := range t.list {
			if tn.Name == m.focus {
				t.cursor = i
			}
		}
		if sel, ok := m.selectedTenant(); ok && m.focus == "" {
			m.focus = sel.Name
		}
		return nil
	case tenantAddedMsg:
		return m.tenantAdded(msg)
	case tenantRemovedMsg:
		if msg.err != nil {
			m.flash = describe(msg.err)
		} else {
			m.flash = "Removed tenant " + msg.name
			if m.focus == msg.name {
				m.focus = ""
			}
		}
		return m.loadTenants()
	case tea.KeyPressMsg:
		switch {
		case t.repoint != nil:
			return m.answerRepoint(msg)
		case t.form != nil:
			return m.updateForm(msg)
		case t.confirm != "":
			return m.answerTenantDelete(msg)
		}
		return m.tenantKey(msg)
	}
	return nil
}

func (m *Model) tenantKey(msg tea.KeyPressMsg) tea.Cmd {
	t := &m.tenants
	if c, moved := m.keys.moveCursor(msg, t.cursor, len(t.list)); moved {
		t.cursor = c
	}
	switch {
	case key.Matches(msg, m.keys.Add):
		t.form = newTenantForm()
		return nil
	case key.Matches(msg, m.keys.Delete):
		if sel, ok := m.selectedTenant(); ok {
			t.confirm = sel.Name
		}
	case key.Matches(msg, m.keys.Enter):
		sel, ok := m.selectedTenant()
		if !ok {
			return nil
		}
		m.focus = sel.Name
		if sel.State == SignedIn || sel.State == ExpiredRefreshable {
			return m.show(screenSession)
		}
		return m.startSignIn(sel.Name, false)
	case key.Matches(msg, m.keys.Device):
		sel, ok := m.selectedTenant()
		if !ok {
			return nil
		}
		m.focus = sel.Name
		return m.startSignIn(sel.Name, true)
	}
	if sel, ok := m.selectedTenant(); ok {
		m.focus = sel.Name
	}
	return nil
}

func (m *Model) answerTenantDelete(msg tea.KeyPressMsg) tea.Cmd {
	name := m.tenants.confirm
	m.tenants.confirm = ""
	if !key.Matches(msg, m.keys.Yes) {
		return nil
	}
	b := m.opts.Backend
	return func() tea.Msg { return tenantRemovedMsg{name, b.RemoveTenant(name)} }
}

var formLabels = []string{"Name", "Issuer", "Client ID", "API resource (optional)"}

func newTenantForm() *tenantForm {
	f := &tenantForm{}
	for i, p := range []string{"acme", "https://acme.logto.app/oidc", "app id", "https://api.acme.dev"} {
		in := newInput("", p, 44)
		if i == 0 {
			in.Focus()
		}
		f.inputs = append(f.inputs, in)
	}
	return f
}

func (m *Model) updateForm(msg tea.KeyPressMsg) tea.Cmd {
	f := m.tenants.form
	switch msg.String() {
	case "esc":
		m.tenants.form = nil
		return nil
	case "tab", "down":
		f.move(1)
		return nil
	case "shift+tab", "up":
		f.move(len(f.inputs) - 1)
		return nil
	case "enter":
		if f.focus < len(f.inputs)-1 {
			f.move(1)
			return nil
		}
		nt := NewTenant{Name: f.value(0), Issuer: f.value(1), ClientID: f.value(2), Resource: f.value(3)}
		if nt.Name == "" || nt.Issuer == "" || nt.ClientID == "" {
			f.err = "Name, issuer and client ID are needed."
			return nil
		}
		return m.addTenant(nt)
	}
	if f.inputs[f.focus].update(msg) {
		f.err = ""
	}
	return nil
}

func (f *tenantForm) value(i int) string { return strings.TrimSpace(f.inputs[i].Value()) }

func (f *tenantForm) move(step int) {
	f.inputs[f.focus].Blur()
	f.focus = (f.focus + step) % len(f.inputs)
	f.inputs[f.focus].Focus()
}

func (m Model) viewTenants() (string, span) {
	t := m.tenants
	var b strings.Builder
	var focus span
	b.WriteString(m.title("Tenants") + "\n")
	if t.form != nil {
		form, focus := m.viewForm()
		focus.from += lines(&b)
		focus.to += lines(&b)
		return b.String() + form, focus
	}
	if t.err != "" {
		b.WriteString(m.st.Err.Render(wrap(t.err, m.width)) + "\n")
	}
	if t.loaded && len(t.list) == 0 && t.err == "" {
		b.WriteString(truncate("No tenants yet. Press a to add one (issuer and client ID of a Logto Native app).", m.width) + "\n")
	}
	now := m.opts.Now()
	for i, tn := range t.list {
		if i == t.cursor {
			focus.from = lines(&b)
		}
		b.WriteString(m.tenantRow(tn, i == t.cursor, now) + "\n")
		if i == t.cursor {
			if tn.Account != "" && m.narrow() {
				b.WriteString(truncate("    "+sanitize(tn.Account), m.width) + "\n")
			}
			detail := "    " + sanitize(tn.Issuer)
			if tn.Store != "" {
				detail += " · " + sanitize(tn.Store)
			}
			b.WriteString(m.st.Dim.Render(truncate(detail, m.width)) + "\n")
			if tn.Err != "" {
				b.WriteString("    " + m.st.Err.Render(truncate(stripAdvice(tn.Err), m.width-4)) + "\n")
			}
			focus.to = lines(&b) - 1
		}
	}
	if t.confirm != "" {
		focus.from = lines(&b)
		b.WriteString("\n" + m.st.Warn.Render(wrap(fmt.Sprintf("Delete tenant %s from the config? Its tokens stay until you sign out. y/n", sanitize(t.confirm)), m.width)) + "\n")
		focus.to = lines(&b) - 1
	}
	return b.String(), focus
}

// tenantRow is one line of the tenants list.
func (m Model) tenantRow(tn Tenant, selected bool, now time.Time) string {
	cursor, name := "  ", truncate(sanitize(tn.Name), 12)
	if selected {
		cursor, name = m.st.Selected.Render("> "), m.st.Selected.Render(name)
	}
	line := fmt.Sprintf("%s%s  %s", cursor, pad(name, 12), pad(m.stateBadge(tn), 24))
	if tn.Account != "" && !m.narrow() {
		w := m.width - 53 // the columns around it and an expiry of 9 cells
		line += "  " + pad(truncate(sanitize(tn.Account), w), w)
	}
	if !tn.Expires.IsZero() {
		line += "  " + m.st.Dim.Render(auth.Relative(tn.Expires, now))
	}
	return truncate(line, m.width)
}

func (m Model) stateBadge(t Tenant) string {
	switch t.State {
	case SignedIn:
		return m.st.OK.Render("● signed in")
	case ExpiredRefreshable:
		return m.st.Warn.Render("◐ expired, refreshable")
	case Expired:
		return m.st.Warn.Render("○ expired")
	case Broken:
		return m.st.Err.Render("✗ error")
	}
	return m.st.Dim.Render("○ signed out")
}

// viewForm draws the add-tenant form; the field being typed in stays in
// view.
func (m Model) viewForm() (string, span) {
	f := m.tenants.form
	var b strings.Builder
	var focus span
	b.WriteString(wrap("Add a tenant (tab moves, enter on the last field saves, esc cancels)", m.width) + "\n\n")
	for i, in := range f.inputs {
		label := truncate(formLabels[i], m.width)
		if i == f.focus {
			label = m.st.Selected.Render(label)
		}
		if i == f.focus {
			focus.from = lines(&b)
		}
		if m.narrow() { // the label above its field
			in.width = max(8, m.width-4)
			b.WriteString(label + "\n  " + in.View(m.st) + "\n")
		} else {
			in.width = min(44, m.width-28)
			b.WriteString(pad(label, 26) + in.View(m.st) + "\n")
		}
		if i == f.focus {
			focus.to = lines(&b) - 1
		}
	}
	if f.err != "" {
		b.WriteString("\n" + m.st.Err.Render(wrap(f.err, m.width)) + "\n")
	}
	if m.tenants.repoint != nil {
		from := lines(&b)
		b.WriteString("\n" + wrap(m.st.Warn.Render(m.repointQuestion()), m.width) + "\n")
		return b.String(), span{from, lines(&b) - 1}
	}
	b.WriteString("\n" + m.st.Dim.Render(wrap("Register http://127.0.0.1/callback as the app's redirect URI.", m.width)) + "\n")
	if f.err != "" || f.focus == len(f.inputs)-1 {
		focus.to = lines(&b) - 1 // the error, or the hint under the last field
	}
	return b.String(), focus
}

// narrow is a terminal too narrow for the account column: the account
// moves to the selected tenant's detail line.
func (m Model) narrow() bool { return m.width < 72 }

func (m *Model) addTenant(nt NewTenant) tea.Cmd {
	b := m.opts.Backend
	return func() tea.Msg { return tenantAddedMsg{nt, b.AddTenant(nt)} }
}

// tenantAdded closes the form, or asks before re-pointing a tenant that
// has sessions, or shows why the tenant was not saved.
func (m *Model) tenantAdded(msg tenantAddedMsg) tea.Cmd {
	t := &m.tenants
	switch {
	case msg.err != nil && t.form != nil && !msg.t.Force && errors.Is(msg.err, session.ErrHasSessions):
		nt := msg.t
		t.repoint = &nt
		return nil
	case msg.err != nil:
		if t.form != nil {
			t.form.err = describe(msg.err)
		}
		return nil
	}
	if msg.t.Force {
		m.flash = "Signed out of " + msg.t.Name + " and re-pointed it at " + msg.t.Issuer
	}
	t.form, m.focus = nil, msg.t.Name
	return m.loadTenants()
}

// answerRepoint saves the form's tenant with Force on y; on anything else
// the form stays as it was typed.
func (m *Model) answerRepoint(msg tea.KeyPressMsg) tea.Cmd {
	nt := *m.tenants.repoint
	m.tenants.repoint = nil
	if !key.Matches(msg, m.keys.Yes) {
		m.tenants.form.err = "Not saved: " + nt.Name + " keeps its issuer, client and sessions."
		return nil
	}
	nt.Force = true
	return m.addTenant(nt)
}

// repointQuestion asks before a re-point signs a tenant's sessions out.
func (m Model) repointQuestion() string {
	nt := m.tenants.repoint
	issuer := "its issuer"
	for _, tn := range m.tenants.list {
		if tn.Name == nt.Name && tn.Issuer != "" {
			issuer = tn.Issuer
		}
	}
	return fmt.Sprintf("%s has signed-in sessions at %s: sign them out and re-point? y/n", sanitize(nt.Name), sanitize(issuer))
}
