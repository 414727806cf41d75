package tui

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// sanitize makes text that came from outside (claims, provider errors,
// issuers, names, keys) safe to put on the terminal: control characters
// (C0 with newline and tab, ESC, DEL, C1), Unicode line separators, bidi
// overrides and invalid UTF-8 are shown escaped, so a value cannot move the
// cursor, write the clipboard or forge a row. Its output has no control
// characters, so sanitizing twice changes nothing. It does not escape the
// backslash: a value that spells "\x1b" reads like an escaped ESC, and is
// just as harmless.
func sanitize(s string) string {
	if safe(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case unsafeRune(r):
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

func safe(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			return false
		}
		i += size
	}
	return true
}

func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi overrides
		return true
	}
	return false
}

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
