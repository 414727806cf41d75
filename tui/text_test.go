package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/oauth2"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/tokencache"
)

func TestSanitizeEscapesWhatCouldDriveTheTerminal(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Ada Lovelace", "Ada Lovelace"},
		{"x\x1b]52;c;cm0gLXJmIH4=\x07y", `x\x1b]52;c;cm0gLXJmIH4=\x07y`},
		{"\x1b[2J\x1b[1;1Hfake", `\x1b[2J\x1b[1;1Hfake`},
		{"a\nb\r\tc", `a\nb\r\tc`},
		{"del\x7f c1\u009b[31m", `del\x7f c1\x9b[31m`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"evil\u202etxt.exe", `evil\u202etxt.exe`},
		{"ünïcödé ✓ 日本", "ünïcödé ✓ 日本"},
	} {
		got := sanitize(c.in)
		if got != c.want {
			t.Errorf("sanitize(%q) = %q, want %q", c.in, got, c.want)
		}
		if again := sanitize(got); again != got {
			t.Errorf("sanitize is not idempotent on %q: %q", got, again)
		}
	}
}

func TestTruncateCutsAtWordBoundaries(t *testing.T) {
	for _, c := range []struct {
		in   string
		w    int
		want string
	}{
		{"Ada Lovelace <ada@acme.dev>", 40, "Ada Lovelace <ada@acme.dev>"},
		{"Ada Lovelace <ada@acme.dev>", 20, "Ada Lovelace…"},
		{"Ada Lovelace <ada@acme.dev>", 13, "Ada Lovelace…"},
		{"served from the keyring with no request", 30, "served from the keyring with…"},
		// One long token: cut after punctuation inside it.
		{"https://acme.logto.app/oidc", 20, "https://acme.logto.…"},
		// A space far back does not throw the token after it away.
		{"latch/v1 tenant=27:https://acme.logto.app/oidc", 30, "latch/v1 tenant=27:https://…"},
		{"a https://acme.logto.app/oidc", 20, "a https://acme.…"},
		// Nothing to cut at: only then mid-token.
		{"abcdefghijklmnop", 8, "abcdefg…"},
		{"anything", 1, "…"},
		{"anything", 0, ""},
	} {
		got := truncate(c.in, c.w)
		if got != c.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", c.in, c.w, got, c.want)
		}
		if c.w > 0 && ansi.StringWidth(got) > c.w {
			t.Errorf("truncate(%q, %d) is %d cells wide", c.in, c.w, ansi.StringWidth(got))
		}
	}
	// Styled text keeps its escape codes whole.
	styled := "\x1b[1mAda\x1b[0m Lovelace <ada@acme.dev>"
	got := truncate(styled, 20)
	if ansi.Strip(got) != "Ada Lovelace…" || !strings.HasPrefix(got, "\x1b[1mAda\x1b[0m") {
		t.Errorf("truncate of styled text = %q", got)
	}
}

func TestErrorsNameTheKeyNotTheCommandLine(t *testing.T) {
	for _, c := range []struct {
		name   string
		err    error
		want   []string
		reject []string
	}{
		{"sign-in required", fmt.Errorf("%w: not signed in to acme (run latch login --tenant acme)", tokencache.ErrSignInRequired),
			[]string{"Sign-in required: not signed in to acme.", "Press l to sign in again", "D for a device code"}, []string{"latch login", "--tenant", "run "}},
		{"refresh grant gone", fmt.Errorf("%w: The session is gone at the provider (revoked, expired or replayed): sign in again with latch login.", tokencache.ErrSignInRequired),
			[]string{"The session is gone at the provider (revoked, expired or replayed).", "Press l"}, []string{"latch login"}},
		{"cancelled", fmt.Errorf("sign-in cancelled: %w", context.Canceled), []string{"cancelled", "Press r"}, nil},
		{"provider on refresh", fmt.Errorf("refresh: %w", &oauth2.RetrieveError{ErrorCode: "invalid_grant", ErrorDescription: "grant request is invalid\x1b[2J", ErrorURI: "https://op.example/errors#grant"}),
			[]string{"invalid_grant", `grant request is invalid\x1b[2J`, "https://op.example/errors#grant", "Press l to sign in again"}, []string{"\x1b"}},
		{"provider on redirect", &auth.ProviderError{Code: "access_denied", Description: "End-User aborted interaction"},
			[]string{"access_denied: End-User aborted interaction", "Press r"}, []string{"latch login"}},
		{"keyring hangs", fmt.Errorf("load: %w", tokencache.ErrKeyringTimeout), []string{"keyring did not answer", "press r"}, nil},
		{"no keyring", fmt.Errorf("probe: %w", tokencache.ErrKeyringUnavailable), []string{"No OS keyring", "press r"}, nil},
		{"device code expired", errors.New("the device code expired before the sign-in was approved: run latch login --device again"),
			[]string{"The device code expired before the sign-in was approved."}, []string{"latch login", "--device"}},
	} {
		got := describe(c.err)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", c.name, got, w)
			}
		}
		for _, r := range c.reject {
			if strings.Contains(got, r) {
				t.Errorf("%s: %q has %q", c.name, got, r)
			}
		}
	}
}

func TestStripAdviceKeepsWhatHappened(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"The provider refused a requested scope: check --scope.", "The provider refused a requested scope."},
		{"The provider needs you to interact: sign in again with --prompt login.", "The provider needs you to interact."},
		{"The app needs consent in this directory: ask an administrator to grant it, or sign in again with --prompt consent.",
			"The app needs consent in this directory: ask an administrator to grant it."},
		{"nothing stored for acme: latch login --tenant acme", "nothing stored for acme"},
		{"bob is not signed in to acme; signed in: ada (pass --account with one of them, or latch login --prompt login)",
			"bob is not signed in to acme; signed in: ada"},
		// Not advice: the words latch and sign in without a command or flag.
		{"the browser returned a sign-in latch did not start (state mismatch)", "the browser returned a sign-in latch did not start (state mismatch)"},
		{"the token has expired (sign in with the offline_access scope)", "the token has expired (sign in with the offline_access scope)"},
	} {
		if got := stripAdvice(c.in); got != c.want {
			t.Errorf("stripAdvice(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestHyperlinksOnlyWhereTheTerminalTakesThem(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{"TERM": "xterm-256color"}, false},
		{map[string]string{"TERM": "xterm-kitty"}, true},
		{map[string]string{"TERM_PROGRAM": "WezTerm", "TERM": "xterm-256color"}, true},
		{map[string]string{"VTE_VERSION": "7600", "TERM": "xterm-256color"}, true},
		{map[string]string{"VTE_VERSION": "7600", "TMUX": "/tmp/tmux-0/default,1,0", "TERM": "tmux-256color"}, false},
		{map[string]string{"TERM": "screen-256color", "TERM_PROGRAM": "iTerm.app"}, false},
		{map[string]string{"TERM": "xterm-kitty", "LATCH_HYPERLINKS": "0"}, false},
		{map[string]string{"TMUX": "/tmp/tmux-0/default,1,0", "LATCH_HYPERLINKS": "1"}, true},
	} {
		if got := hyperlinks(func(k string) string { return c.env[k] }); got != c.want {
			t.Errorf("hyperlinks(%v) = %v, want %v", c.env, got, c.want)
		}
	}
}
