package auth

import (
	"fmt"
	"strings"
	"testing"
)

// Lines are trimmed, blank ones skipped, an overlong one reported without
// its text, and a last line without a newline still counts.
func TestReadPastes(t *testing.T) {
	in := "a\n\n  b  \r\n" + strings.Repeat("x", maxPasteLine+1) + "\nlast"
	var got []string
	readPastes(strings.NewReader(in), func(line string, long bool) bool {
		got = append(got, fmt.Sprintf("%.20q %v", line, long))
		return true
	})
	want := []string{`"a" false`, `"b" false`, `"" true`, `"last" false`}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %v, want %v", got, want)
	}
	calls := 0
	readPastes(strings.NewReader("a\nb\n"), func(string, bool) bool { calls++; return false })
	if calls != 1 {
		t.Fatalf("reading went on after the callback said stop: %d calls", calls)
	}
}
