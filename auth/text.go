package auth

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// TerminalSafe makes text that came from outside (claims, provider errors,
// issuers, names, keys) safe to put on the terminal: control characters
// (C0 with newline and tab, ESC, DEL, C1), Unicode line separators, bidi
// overrides and invalid UTF-8 are shown escaped, so a value cannot move the
// cursor, write the clipboard or forge a row. Its output has no control
// characters, so making it safe twice changes nothing. It does not escape the
// backslash: a value that spells "\x1b" reads like an escaped ESC, and is
// just as harmless.
func TerminalSafe(s string) string {
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
