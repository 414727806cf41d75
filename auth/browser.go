package auth

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/pkg/browser"
)

// ErrUnsafeBrowserURL means a URL was not given to a browser because it is
// neither https: nor http: to this machine's loopback (file:, smb:,
// javascript:, http to another host, ...). Such a URL comes from a hostile
// or broken discovery document.
var ErrUnsafeBrowserURL = errors.New("latch opens only https: URLs, or http: URLs to this machine, in a browser")

// BrowserError says that no opener managed to open the browser, and why
// each one tried failed.
type BrowserError struct {
	Tried []BrowserAttempt
}

// BrowserAttempt is one opener that failed.
type BrowserAttempt struct {
	Opener string
	Err    error
}

func (e *BrowserError) Error() string {
	parts := make([]string, len(e.Tried))
	for i, a := range e.Tried {
		parts[i] = a.Opener + " (" + a.Err.Error() + ")"
	}
	return "no browser opened: tried " + strings.Join(parts, ", ")
}

func (e *BrowserError) Unwrap() []error {
	errs := make([]error, len(e.Tried))
	for i, a := range e.Tried {
		errs[i] = a.Err
	}
	return errs
}

// CheckBrowserURL returns an error wrapping ErrUnsafeBrowserURL unless raw
// is an https: URL, or an http: URL to 127.0.0.0/8, ::1 or localhost, made
// only of the characters RFC 3986 allows.
func CheckBrowserURL(raw string) error {
	for _, r := range raw {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~:/?#[]@!$&'()*+,;=%", r)) {
			return fmt.Errorf("%w: the URL has a character no URL may have", ErrUnsafeBrowserURL)
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.Host == "" {
		return fmt.Errorf("%w: not an absolute web URL", ErrUnsafeBrowserURL)
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopbackHost(u.Hostname()):
		return nil
	case u.Scheme == "http":
		return fmt.Errorf("%w: refusing plain http to %s", ErrUnsafeBrowserURL, u.Hostname())
	}
	return fmt.Errorf("%w: refusing a %s: URL", ErrUnsafeBrowserURL, u.Scheme)
}

// OpenBrowser opens url in the user's browser: the $BROWSER command if set,
// otherwise under WSL wslview then the Windows opener, otherwise the system
// opener. It refuses any URL CheckBrowserURL refuses.
func OpenBrowser(url string) error { return OpenBrowserWith("", url) }

// OpenBrowserWith opens url with command when it is set: a command line
// split on spaces (quotes group words), the URL appended as one more
// argument and never seen by a shell. Without it, it does what OpenBrowser
// does. $BROWSER may be a colon-separated list, tried in turn; a "%s" in
// it is replaced by the URL. The launcher's output never reaches the
// terminal, and latch does not wait for a browser to exit. When nothing
// opened, the error is a *BrowserError naming each opener tried.
func OpenBrowserWith(command, url string) error {
	if err := CheckBrowserURL(url); err != nil {
		return err
	}
	var tried []BrowserAttempt
	for _, o := range openers(command) {
		err := o.open(url)
		if err == nil {
			return nil
		}
		tried = append(tried, BrowserAttempt{Opener: o.name, Err: err})
	}
	return &BrowserError{Tried: tried}
}

type opener struct {
	name string
	open func(url string) error
}

// openers lists what to try, in order: the command given, else $BROWSER,
// else (WSL) wslview and rundll32.exe, then the system opener.
func openers(command string) []opener {
	if command = strings.TrimSpace(command); command != "" {
		return []opener{{"browser command", func(u string) error { return startCommand(command, u, false) }}}
	}
	var list []opener
	if env := strings.TrimSpace(os.Getenv("BROWSER")); env != "" {
		// Not on Windows, where a colon is part of a path.
		entries := []string{env}
		if runtime.GOOS != "windows" {
			entries = strings.Split(env, ":")
		}
		for _, e := range entries {
			if e = strings.TrimSpace(e); e != "" {
				list = append(list, opener{"$BROWSER " + firstWord(e), func(u string) error { return startCommand(e, u, true) }})
			}
		}
		// When $BROWSER fails, the openers below are tried too.
	}
	if runningUnderWSL() {
		list = append(list,
			opener{"wslview", func(u string) error { return runOpener(launchGrace, "wslview", u) }},
			opener{"rundll32.exe", func(u string) error {
				return runOpener(launchGrace, "rundll32.exe", "url.dll,FileProtocolHandler", u)
			}})
	}
	return append(list, opener{systemOpenerName(), func(u string) error {
		browser.Stdout, browser.Stderr = io.Discard, io.Discard
		return browser.OpenURL(u)
	}})
}

func systemOpenerName() string {
	switch runtime.GOOS {
	case "darwin":
		return "open"
	case "windows":
		return "the Windows URL handler"
	}
	return "xdg-open"
}

// runningUnderWSL detects the Windows Subsystem for Linux.
func runningUnderWSL() bool {
	if runtime.GOOS != "linux" {
		return false
	}
	if os.Getenv("WSL_DISTRO_NAME") != "" {
		return true
	}
	_, err := os.Stat("/proc/sys/fs/binfmt_misc/WSLInterop")
	return err == nil
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return s
}

// launchGrace is how long a launcher that exits on its own (wslview,
// rundll32.exe) is given to report a failure before it counts as started.
const launchGrace = 5 * time.Second

// runOpener starts a launcher and waits up to grace for it to fail.
func runOpener(grace time.Duration, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(grace):
		return nil
	}
}

// startCommand starts a browser command line with the URL as one argument.
// With percent set, "%s" in a word is replaced by the URL instead.
func startCommand(cmdline, url string, percent bool) error {
	words, err := splitCommand(cmdline)
	if err != nil {
		return err
	}
	replaced := false
	if percent {
		for i, w := range words {
			if strings.Contains(w, "%s") {
				words[i] = strings.ReplaceAll(w, "%s", url)
				replaced = true
			}
		}
	}
	if !replaced {
		words = append(words, url)
	}
	cmd := exec.Command(words[0], words[1:]...)
	// Nil streams are /dev/null: the launcher never writes to the terminal.
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	if err := cmd.Start(); err != nil {
		return err
	}
	// A command that fails at once (exit status non-zero) did not open
	// anything; one still running after the grace is the browser itself.
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("%s: %w", words[0], err)
		}
		return nil
	case <-time.After(commandGrace):
		return nil
	}
}

// commandGrace is how long a browser command is given to fail before it
// counts as opened.
const commandGrace = 500 * time.Millisecond

// splitCommand splits a command line into words on blanks; single or
// double quotes group a word. No shell sees it.
func splitCommand(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord, quote := false, rune(0)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words, inWord = append(words, cur.String()), false
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, errors.New("the browser command has an unclosed quote")
	}
	if inWord {
		words = append(words, cur.String())
	}
	if len(words) == 0 {
		return nil, errors.New("the browser command is empty")
	}
	return words, nil
}
