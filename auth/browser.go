package auth

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"github.com/pkg/browser"
)

// OpenBrowser opens url in the user's browser: the $BROWSER command if set
// (its "%s" replaced by the URL, or the URL appended), otherwise the system
// opener. The launcher's output never reaches the terminal, and latch does
// not wait for the browser to exit.
func OpenBrowser(url string) error {
	if cmdline := strings.TrimSpace(os.Getenv("BROWSER")); cmdline != "" {
		return startBrowserCommand(cmdline, url)
	}
	browser.Stdout, browser.Stderr = io.Discard, io.Discard
	return browser.OpenURL(url)
}

func startBrowserCommand(cmdline, url string) error {
	// $BROWSER may be a colon-separated list of commands; the first is used
	// (not on Windows, where a colon is part of a path).
	first := cmdline
	if runtime.GOOS != "windows" {
		first, _, _ = strings.Cut(cmdline, ":")
	}
	fields := strings.Fields(first)
	if len(fields) == 0 {
		return errors.New("$BROWSER is empty")
	}
	replaced := false
	for i, f := range fields {
		if strings.Contains(f, "%s") {
			fields[i] = strings.ReplaceAll(f, "%s", url)
			replaced = true
		}
	}
	if !replaced {
		fields = append(fields, url)
	}
	cmd := exec.Command(fields[0], fields[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}
