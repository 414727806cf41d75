package auth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestBrowserCommandGetsTheURL(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "open")
	out := filepath.Join(dir, "args")
	os.WriteFile(script, []byte("#!/bin/sh\nprintf '%s\\n' \"$@\" > "+out+"\necho noise; echo noise >&2\n"), 0o700)
	for _, tt := range []struct{ browser, want string }{
		{script, "https://op.example/auth?a=1&b=2\n"},
		{script + " --new-window %s", "--new-window\nhttps://op.example/auth?a=1&b=2\n"},
		{script + " --flag:other-browser", "--flag\nhttps://op.example/auth?a=1&b=2\n"},
	} {
		os.Remove(out)
		t.Setenv("BROWSER", tt.browser)
		if err := OpenBrowser("https://op.example/auth?a=1&b=2"); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			b, _ := os.ReadFile(out)
			if string(b) == tt.want {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("BROWSER=%q got args %q, want %q", tt.browser, b, tt.want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	t.Setenv("BROWSER", filepath.Join(dir, "missing"))
	if err := OpenBrowser("https://op.example"); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("a missing browser command: %v", err)
	}
}
