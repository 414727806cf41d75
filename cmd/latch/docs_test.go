package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Every command gets a page that man's formatter reads without a warning,
// with its flags and examples.
func TestDocsWritesManPages(t *testing.T) {
	dir := t.TempDir()
	if _, errText, code := runLatch(t, "", "docs", "--man", dir); code != 0 {
		t.Fatalf("exit %d: %s", code, errText)
	}
	for _, page := range []string{"latch.1", "latch-token.1", "latch-tenant-add.1", "latch-git-credential.1", "latch-inspect.1"} {
		if _, err := os.Stat(filepath.Join(dir, page)); err != nil {
			t.Errorf("no page %s: %v", page, err)
		}
	}
	groff, err := exec.LookPath("groff")
	if err != nil {
		t.Skip("groff is not installed: pages written, not rendered")
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "*.1"))
	for _, p := range pages {
		cmd := exec.Command(groff, "-man", "-Tutf8", "-ww", p)
		cmd.Env = append(os.Environ(), "GROFF_NO_SGR=1")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || stderr.Len() > 0 {
			t.Errorf("%s: %v %s", filepath.Base(p), err, stderr.String())
		}
		if filepath.Base(p) == "latch-token.1" {
			text := stripOverstrike(string(out))
			for _, want := range []string{"latch-token", "Print a valid access token", "--min-ttl duration", "--tenant", "latch token --tenant acme --id-token", "latch(1)"} {
				if !strings.Contains(text, want) {
					t.Errorf("rendered latch-token(1) lacks %q:\n%s", want, text)
				}
			}
		}
	}
}

// stripOverstrike removes the backspace bold and underline of nroff output.
func stripOverstrike(s string) string {
	var b []rune
	for _, r := range s {
		if r == '\b' && len(b) > 0 {
			b = b[:len(b)-1]
			continue
		}
		b = append(b, r)
	}
	return strings.ReplaceAll(string(b), "‐", "-")
}
