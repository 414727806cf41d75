package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"
)

// writeJSON writes v as indented JSON. encoding/json escapes only C0
// controls; C1 controls (U+0080-U+009F: U+009B is a one-character CSI),
// line separators and bidi overrides from outside are escaped too, so the
// output stays valid JSON and inert on a terminal.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(jsonInert(buf.Bytes()))
	return err
}

// jsonInert escapes, as \uXXXX, the runes JSON allows raw in strings but a
// terminal acts on. They can only stand inside strings, where the escape
// means the same.
func jsonInert(b []byte) []byte {
	if utf8.Valid(b) && !bytes.ContainsFunc(b, inertRune) {
		return b
	}
	var out bytes.Buffer
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if inertRune(r) {
			fmt.Fprintf(&out, `\u%04x`, r)
		} else {
			out.Write(b[:n])
		}
		b = b[n:]
	}
	return out.Bytes()
}

func inertRune(r rune) bool {
	return r >= 0x80 && r <= 0x9f || r == 0x2028 || r == 0x2029 ||
		r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}
