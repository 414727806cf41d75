package auth

import "testing"

func TestSafeTextEscapesWhatWouldDriveTheTerminal(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Alice Ünal <alice@example.test>", "Alice Ünal <alice@example.test>"},
		{`C:\Users\alice`, `C:\Users\alice`},
		{"\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},
		{"\x1b[2J\x1b[H", `\x1b[2J\x1b[H`},
		{"line\nfake: verified\r", `line\nfake: verified\r`},
		{"tab\there", `tab\there`},
		{"del\x7f", `del\x7f`},
		{"csi\u009b31m", `csi\x9b31m`},
		{"evil\u202etxt.exe", `evil\u202etxt.exe`},
		{"bad\xffbyte", `bad\xffbyte`},
		{"", ""},
	} {
		if got := TerminalSafe(tt.in); got != tt.want {
			t.Errorf("TerminalSafe(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
