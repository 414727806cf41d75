package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/latchdev/latch/auth"
)

// sanitize is auth.TerminalSafe: one rule for the CLI and the UI.
func sanitize(s string) string { return auth.TerminalSafe(s) }

// sanitizeLines is sanitize for a block whose line breaks are its own (raw
// JSON latch pretty-printed): each line is sanitized, the breaks stay.
func sanitizeLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = sanitize(l)
	}
	return strings.Join(lines, "\n")
}

// truncate fits s into w cells with an ellipsis, cutting at a word
// boundary: at a space, or, inside one long token such as a URL or a cache
// key, after punctuation; either only if the cut keeps at least half the
// width. Only a token with neither is cut mid-way. Styled text keeps its escape codes intact. It is the one
// truncation of the UI.
func truncate(s string, w int) string {
	if w < 1 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	if w == 1 {
		return "…"
	}
	plain := []rune(ansi.Strip(s))
	cut := boundary(plain, w-1)
	return ansi.Truncate(s, cut, "") + "…"
}

// boundary is the width of the longest prefix of r that fits in w cells
// and ends at a word boundary, without trailing spaces.
func boundary(r []rune, w int) int {
	fit := 0 // runes of r that fit in w cells
	width := 0
	for fit < len(r) {
		cw := ansi.StringWidth(string(r[fit]))
		if width+cw > w {
			break
		}
		width += cw
		fit++
	}
	// A space just past the cut means the cut is already at a word end.
	if fit < len(r) && r[fit] == ' ' {
		return ansi.StringWidth(strings.TrimRight(string(r[:fit]), " "))
	}
	// A cut keeps at least half the cell: a space far back would throw
	// away a long token that follows it (a URL, a cache key).
	for i := fit; i > 0 && 2*i >= w; i-- {
		if r[i-1] == ' ' {
			if kept := strings.TrimRight(string(r[:i-1]), " "); kept != "" {
				return ansi.StringWidth(kept)
			}
		}
	}
	// Inside a long token: after punctuation. A random string (a nonce)
	// has no words to respect and is cut where it fills the cell.
	for i := fit; i > 0 && 2*ansi.StringWidth(string(r[:i])) >= w; i-- {
		if strings.ContainsRune("/?&,;=:.-", r[i-1]) {
			return ansi.StringWidth(string(r[:i]))
		}
	}
	return width
}

// wrap breaks latch's own sentences (questions, errors) over lines at
// spaces, so nothing of them is lost on a narrow terminal; only a word
// wider than the terminal is broken.
func wrap(s string, w int) string {
	if w < 1 {
		return s
	}
	return ansi.Wrap(s, w, "")
}
