package tui

import (
	"fmt"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// The sign-in URL must survive copy and paste whole. Bubble Tea draws a
// frame cell by cell, so a URL cut into rows is, to the terminal, rows that
// happen to touch: selection and tmux's copy-mode see breaks. Once the
// frame is on screen, echoURL writes the same URL again over the same
// cells in one piece, and the terminal's own wrapping joins the rows.

// hyperlinks says whether to mark the sign-in URL as an OSC 8 hyperlink.
// LATCH_HYPERLINKS=0 turns them off, =1 on; otherwise they are on for
// terminals known to support them and off inside tmux and screen, which
// drop or mangle them unless set up to pass them on.
func hyperlinks(getenv func(string) string) bool {
	if v := getenv("LATCH_HYPERLINKS"); v != "" {
		on, err := strconv.ParseBool(v)
		return err == nil && on
	}
	term := getenv("TERM")
	if getenv("TMUX") != "" || getenv("STY") != "" || strings.HasPrefix(term, "screen") || strings.HasPrefix(term, "tmux") || term == "dumb" {
		return false
	}
	switch getenv("TERM_PROGRAM") {
	case "iTerm.app", "WezTerm", "vscode", "ghostty", "Hyper", "rio", "WarpTerminal":
		return true
	}
	switch term {
	case "xterm-kitty", "xterm-ghostty", "foot", "foot-extra", "alacritty", "wezterm":
		return true
	}
	if v, err := strconv.Atoi(getenv("VTE_VERSION")); err == nil && v >= 5000 {
		return true
	}
	return getenv("KITTY_WINDOW_ID") != "" || getenv("WT_SESSION") != "" || getenv("KONSOLE_VERSION") != ""
}

// sentToClipboard says what c, t and y do: latch asks the terminal to set
// its clipboard (OSC 52) and cannot know whether it did.
func (m Model) sentToClipboard(what string) string {
	msg := what + " sent to the terminal clipboard (OSC 52)"
	if m.inTmux {
		msg += "; tmux passes it on only with set-clipboard on"
	}
	return msg + "."
}

// urlRow finds the sign-in URL in the frame: the screen row it starts on
// and the URL as drawn. ok is false when it is not wholly on screen or is
// not plain ASCII, whose wrapping every terminal agrees on.
func (m Model) urlRow() (row int, u string, ok bool) {
	if m.screen != screenSignIn || m.showHelp || !m.signin.running() || m.signin.url == "" {
		return 0, "", false
	}
	u = sanitize(m.signin.url)
	for _, r := range u {
		if r < 0x21 || r > 0x7e {
			return 0, "", false
		}
	}
	rows := urlRows(u, m.width)
	frame := strings.Split(ansi.Strip(m.View().Content), "\n")
	for i := 0; i+len(rows) < len(frame) && i+len(rows) < m.height; i++ {
		if strings.TrimRight(frame[i], " ") != rows[0] {
			continue
		}
		for j, r := range rows {
			if strings.TrimRight(frame[i+j], " ") != r {
				return 0, "", false
			}
		}
		return i, u, true
	}
	return 0, "", false
}

// echoURL writes the sign-in URL over its rows in one piece once the frame
// has shown it unchanged for a tick: cursor saved, URL written from the
// row's first column, cursor restored. It writes each placement once, so a
// selection in progress is left alone.
func (m *Model) echoURL() tea.Cmd {
	row, u, ok := m.urlRow()
	if !ok {
		m.urlSeen = ""
		return nil
	}
	placed := fmt.Sprintf("%d %d %d %q %s", row, m.width, m.height, m.flash, u)
	if placed != m.urlSeen {
		m.urlSeen = placed // drawn by the next frame; echo on the next tick
		return nil
	}
	if placed == m.urlEchoed {
		return nil
	}
	m.urlEchoed = placed
	text := u
	if m.links {
		text = ansi.SetHyperlink(u) + u + ansi.ResetHyperlink()
	}
	return tea.Raw(ansi.SaveCursor + ansi.CursorPosition(1, row+1) + ansi.ResetStyle + text + ansi.RestoreCursor)
}
