package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// keyMap is every key the UI answers to, in one place, with help text.
type keyMap struct {
	Next, Prev, Up, Down, Left, Right key.Binding
	Enter, Back, Help, Quit           key.Binding
	Add, Delete, Retry, Copy          key.Binding
	Refresh, SignOut, CopyToken       key.Binding
	Filter, CopyValue, Raw            key.Binding
	Yes, No, Pick, Device             key.Binding
	CloseHelp, SignIn, Reload         key.Binding
	Inspect, Verify, ClearToken       key.Binding
	// Keys of the add-tenant form and the claims filter, for the footer.
	NextField, Save, Cancel, KeepFilter key.Binding
	// ctrl+c, the quit key while a token is typed (q is a letter of it).
	QuitTyping key.Binding
}

func newKeyMap() keyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return keyMap{
		Next:       b([]string{"tab"}, "tab", "next screen"),
		Prev:       b([]string{"shift+tab"}, "shift+tab", "previous screen"),
		Up:         b([]string{"up", "k"}, "↑/k", "up"),
		Down:       b([]string{"down", "j"}, "↓/j", "down"),
		Left:       b([]string{"left", "h"}, "←", "previous pane"),
		Right:      b([]string{"right", "l"}, "→", "next pane"),
		Enter:      b([]string{"enter"}, "enter", "sign in / open"),
		Back:       b([]string{"esc"}, "esc", "cancel / back"),
		Help:       b([]string{"?"}, "?", "help"),
		Quit:       b([]string{"q", "ctrl+c"}, "q", "quit"),
		Add:        b([]string{"a"}, "a", "add tenant"),
		Delete:     b([]string{"d", "x"}, "d/x", "delete"),
		Retry:      b([]string{"r"}, "r", "retry"),
		Copy:       b([]string{"c"}, "c", "copy URL"),
		Refresh:    b([]string{"r"}, "r", "refresh"),
		SignOut:    b([]string{"o"}, "o", "sign out"),
		CopyToken:  b([]string{"t"}, "t", "copy access token"),
		Filter:     b([]string{"/"}, "/", "filter"),
		CopyValue:  b([]string{"y"}, "y", "copy value"),
		Raw:        b([]string{"v"}, "v", "raw JSON"),
		Yes:        b([]string{"y"}, "y", "yes"),
		No:         b([]string{"n", "esc"}, "n", "no"),
		Pick:       b([]string{"p"}, "p", "pick a demo user here"),
		Device:     b([]string{"D"}, "D", "sign in with a device code"),
		CloseHelp:  b([]string{"?", "esc", "q"}, "esc", "close help"),
		SignIn:     b([]string{"l"}, "l", "sign in again"),
		Reload:     b([]string{"r"}, "r", "reload (tenants, claims, cache)"),
		NextField:  b([]string{"tab"}, "tab", "next field"),
		Save:       b([]string{"enter"}, "enter", "next field / save"),
		Cancel:     b([]string{"esc"}, "esc", "cancel"),
		KeepFilter: b([]string{"enter"}, "enter", "keep filter"),
		Inspect:    b([]string{"i"}, "i", "inspect a token"),
		Verify:     b([]string{"enter"}, "enter", "verify"),
		ClearToken: b([]string{"esc"}, "esc", "clear"),
		QuitTyping: b([]string{"ctrl+c"}, "ctrl+c", "quit"),
	}
}

// shortDescs are the footer's labels when the full ones do not fit.
var shortDescs = map[string]string{
	"sign in / open": "open", "sign in with a device code": "device", "add tenant": "add",
	"cancel / back": "back", "copy URL": "copy", "pick a demo user here": "pick",
	"copy access token": "token", "previous pane": "pane", "next pane": "pane",
	"copy value": "copy", "raw JSON": "raw", "sign out": "sign out", "close help": "close",
	"inspect a token": "inspect",
}

func shortDesc(desc string) string {
	if s, ok := shortDescs[desc]; ok {
		return s
	}
	return desc
}

// moveCursor applies up and down to a cursor over n items, keeping it in
// the list (0 when it is empty). It reports whether the key moved it.
func (k keyMap) moveCursor(msg tea.KeyPressMsg, cur, n int) (int, bool) {
	switch {
	case key.Matches(msg, k.Up):
		cur--
	case key.Matches(msg, k.Down):
		cur++
	default:
		return cur, false
	}
	return max(0, min(cur, n-1)), true
}

// helpKeys adapts the key map to help.KeyMap for the screen in focus.
type helpKeys struct {
	short []key.Binding
	full  [][]key.Binding
}

func (h helpKeys) ShortHelp() []key.Binding  { return h.short }
func (h helpKeys) FullHelp() [][]key.Binding { return h.full }

func (k keyMap) forScreen(s screen, picker bool) helpKeys {
	global := []key.Binding{k.Next, k.Prev, k.Inspect, k.SignIn, k.Reload, k.Help, k.Quit}
	if s == screenClaims { // l is the next pane here
		global = []key.Binding{k.Next, k.Prev, k.Inspect, k.Reload, k.Help, k.Quit}
	}
	var local []key.Binding
	// Most important first: the footer drops keys from the end.
	switch s {
	case screenTenants:
		local = []key.Binding{k.Enter, k.Device, k.Add, k.Delete, k.Up, k.Down}
	case screenSignIn:
		local = []key.Binding{k.Back, k.Copy}
		if picker {
			local = append(local, k.Pick)
		}
		local = append(local, k.Retry)
	case screenSession:
		local = []key.Binding{k.SignOut, k.Refresh, k.CopyToken}
	case screenClaims:
		local = []key.Binding{k.CopyValue, k.Filter, k.Raw, k.Right, k.Left, k.Up, k.Down}
	case screenCache:
		local = []key.Binding{k.Delete, k.Up, k.Down}
	case screenInspect:
		local = []key.Binding{k.ClearToken, k.Inspect, k.Up, k.Down}
	}
	return helpKeys{short: append(local, k.Help, k.Quit), full: [][]key.Binding{local, global}}
}
