package authtest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Chromium renders a page as a person's browser would: it returns the DOM
// after load and writes a screenshot to png. It skips (fails in CI) when
// Chromium is not installed.
func Chromium(t testing.TB, url, png string) string {
	t.Helper()
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		Missing(t, "Chromium", "the page tests render pages in headless Chromium (apt-get install chromium)")
	}
	flags := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + filepath.Join(t.TempDir(), "profile"), "--window-size=800,600"}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if png != "" {
		out, err := exec.CommandContext(ctx, bin, append(flags, "--screenshot="+png, url)...).CombinedOutput()
		if _, serr := os.Stat(png); err != nil || serr != nil {
			t.Fatalf("chromium screenshot: %v %v\n%s", err, serr, out)
		}
	}
	dom, err := exec.CommandContext(ctx, bin, append(flags, "--dump-dom", url)...).Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom: %v", err)
	}
	return string(dom)
}
