package main

import (
	"bytes"
	"strings"
	"testing"
)

// Not in a terminal (as under go test), latch-ui says what prints the same
// without one, instead of drawing into a pipe.
func TestNeedsATerminal(t *testing.T) {
	for _, args := range [][]string{nil, {"demo"}, {"--tenant", "acme"}} {
		var stderr bytes.Buffer
		if code := run(args, &stderr); code != 1 {
			t.Errorf("latch-ui %v: exit %d, want 1", args, code)
		}
		if !strings.Contains(stderr.String(), "needs a terminal; latch status") {
			t.Errorf("latch-ui %v: %q", args, stderr.String())
		}
	}
}

// latch-ui takes only the UI's flags; commands are latch's.
func TestRefusesCommands(t *testing.T) {
	var stderr bytes.Buffer
	if code := run([]string{"token"}, &stderr); code != 1 || !strings.Contains(stderr.String(), `unexpected argument "token": the commands are latch's`) {
		t.Errorf("latch-ui token: exit %d, %q", code, stderr.String())
	}
	stderr.Reset()
	if code := run([]string{"demo", "--tenant", "x"}, &stderr); code != 1 || !strings.Contains(stderr.String(), "flag provided but not defined: -tenant") {
		t.Errorf("latch-ui demo --tenant: exit %d, %q", code, stderr.String())
	}
}
