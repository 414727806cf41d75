package tui

import (
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// input is a one-line text field: type, backspace, ctrl+u clears. It is all
// the form and the claims filter need; bubbles' textinput would bring a
// system clipboard package whose init probes PATH on every latch start,
// latch token included.
type input struct {
	prompt, placeholder string
	value               []rune
	focused             bool
	width               int
}

func newInput(prompt, placeholder string, width int) input {
	return input{prompt: prompt, placeholder: placeholder, width: width}
}

func (in *input) Focus()            { in.focused = true }
func (in *input) Blur()             { in.focused = false }
func (in *input) Value() string     { return string(in.value) }
func (in *input) SetValue(s string) { in.value = []rune(s) }

// update applies a key press; it reports whether the value changed.
func (in *input) update(msg tea.KeyPressMsg) bool {
	switch msg.String() {
	case "backspace":
		if len(in.value) > 0 {
			in.value = in.value[:len(in.value)-1]
			return true
		}
	case "ctrl+u":
		in.value = nil
		return true
	default:
		if msg.Text != "" && msg.Mod&(tea.ModCtrl|tea.ModAlt) == 0 {
			in.value = append(in.value, []rune(msg.Text)...)
			return true
		}
	}
	return false
}

func (in input) View(st styles) string {
	text := sanitize(string(in.value))
	if text == "" && !in.focused {
		text = st.Dim.Render(in.placeholder)
	}
	if w := in.width; w > 0 && lipgloss.Width(text) > w {
		r := []rune(text)
		text = "…" + string(r[len(r)-w+1:])
	}
	cursor := ""
	if in.focused {
		cursor = "█"
	}
	return in.prompt + text + cursor
}
