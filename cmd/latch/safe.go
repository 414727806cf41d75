package main

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// safeText makes text that came from outside (claims, provider answers,
// config files) safe to print on a terminal: C0 and C1 control characters,
// ESC, DEL, newlines, bidirectional overrides and invalid UTF-8 bytes become
// visible escapes (\n, \t, \x1b, \u009b, \u202e), so a token cannot move the
// cursor, rewrite the title, fake another line of output or reorder what is
// shown. Everything else, backslashes included, is kept as it is: the
// result is for reading, not for parsing back.
func safeText(s string) string {
	clean := true
	for _, r := range s {
		if unsafeRune(r) {
			clean = false
			break
		}
	}
	if clean {
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
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// unsafeRune reports whether r needs escaping: C0, DEL, C1, the
// bidirectional embedding, override and isolate controls, and the
// replacement rune an invalid byte decodes to.
func unsafeRune(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) ||
		r == 0x2028 || r == 0x2029 || r == utf8.RuneError
}
