package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestOnlyTheCommandsNeededAreBuilt(t *testing.T) {
	a := &app{}
	for _, tt := range []struct {
		args []string
		want int
	}{
		{nil, 0},
		{[]string{"--version"}, 0},
		{[]string{"token", "-t", "acme"}, 1},
		{[]string{"token", "--help"}, 14},
		{[]string{"--help"}, 14},
		{[]string{"-t", "acme", "status"}, 14},
		{[]string{"completion", "bash"}, 14},
	} {
		if got := len(a.commands(tt.args)); got != tt.want {
			t.Errorf("%v built %d commands, want %d", tt.args, got, tt.want)
		}
	}
	var out bytes.Buffer
	if code := run([]string{"--help"}, streams{strings.NewReader(""), &out, &out}); code != 0 || !strings.Contains(out.String(), "orgs") || !strings.Contains(out.String(), "login") {
		t.Fatalf("latch --help does not list every command:\n%s", out.String())
	}
}
