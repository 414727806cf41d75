package tui

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"

	"golang.org/x/oauth2"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/tokencache"
)

// describe turns an error into what the UI shows: what happened, in the
// provider's own words when it answered, and the key to press. CLI advice
// that came inside the error ("run latch login --tenant …") is dropped: in
// the UI a key does it. The result is terminal-safe.
func describe(err error) string {
	if err == nil {
		return ""
	}
	var re *oauth2.RetrieveError
	var pe *auth.ProviderError
	switch {
	case errors.Is(err, context.Canceled):
		return "Sign-in cancelled: nothing was stored. Press r to start again."
	case errors.Is(err, context.DeadlineExceeded):
		return "Timed out waiting for the sign-in. Press r to try again, or D for a device code."
	case errors.As(err, &re):
		return providerSaid(re.ErrorCode, re.ErrorDescription, re.ErrorURI)
	case errors.As(err, &pe):
		return providerSaid(pe.Code, pe.Description, pe.URI)
	case errors.Is(err, tokencache.ErrSignInRequired):
		return sentence(stripAdvice(err.Error())) + " Press l to sign in again, or D for a device code."
	case errors.Is(err, auth.ErrProviderUnreachable):
		return sentence(stripAdvice(err.Error())) + " Nothing was opened in the browser."
	case errors.Is(err, auth.ErrSignInTimeout):
		return "No sign-in came back in time. If the provider's page refused the redirect URI, it matches them exactly: register a fixed port (redirect_port). Press r to try again, or D for a device code."
	case errors.Is(err, tokencache.ErrKeyringTimeout):
		return "The OS keyring did not answer in time: unlock it (it may be waiting for a password), then press r."
	case errors.Is(err, tokencache.ErrKeyringUnavailable):
		return "No OS keyring is reachable: start or unlock your Secret Service (gnome-keyring, KWallet), then press r."
	}
	return sentence(stripAdvice(err.Error()))
}

// providerSaid shows the provider's error code, description and URI as it
// wrote them, made safe, with the key that helps.
func providerSaid(code, desc, uri string) string {
	var b strings.Builder
	b.WriteString("The provider answered " + sanitize(code))
	if desc != "" {
		b.WriteString(": " + sanitize(desc))
	}
	if uri != "" {
		b.WriteString(" (" + sanitize(uri) + ")")
	}
	b.WriteString(". ")
	switch code {
	case "invalid_grant", "login_required", "interaction_required", "consent_required":
		b.WriteString("Press l to sign in again, or D for a device code.")
	case "access_denied":
		b.WriteString("Press r to try again and approve it in the browser.")
	case "invalid_client", "unauthorized_client", "invalid_request", "invalid_scope", "invalid_target":
		b.WriteString("The tenant's settings need fixing: press esc, then d and a to re-add it.")
	default:
		b.WriteString("Press r to try again.")
	}
	return b.String()
}

var latchCommand = `\blatch\s+(?:login|logout|token|claims|status|tenant|cache|demo|inspect|kubeconfig|git-credential|version)\b`

// cliAdvice matches a clause of advice for the command line: it names a
// latch command or a flag. It starts at a clause separator and ends at the
// end of the clause. Compiled on first use: every latch start loads this
// package, and latch token never shows an error screen.
var cliAdvice = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?:[:;,]\s+|\s*\(|\s+(?:or|and)\s+(?:run|sign in|pass|use|try)\b)[^:;,()]*?(?:` +
		latchCommand + `|--[a-z][a-z-]*)[^;()]*?(?:\)|\.|$)`)
})

// stripAdvice removes CLI advice from an error's text and makes it
// terminal-safe.
func stripAdvice(s string) string {
	s = sanitize(s)
	return cliAdvice().ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasSuffix(m, ".") {
			return "."
		}
		return ""
	})
}

// sentence starts s with a capital and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	if c := s[0]; c >= 'a' && c <= 'z' {
		s = string(c-'a'+'A') + s[1:]
	}
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
