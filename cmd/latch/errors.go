package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/auth/session"
	"github.com/latchdev/latch/tokencache"
)

// usageError is a mistake on the command line, said as is.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// hinted is an error with its own advice.
type hinted struct {
	err  error
	hint string
}

func (h hinted) Error() string { return h.err.Error() }
func (h hinted) Unwrap() error { return h.err }

// exitCode is latch-ui's exit code, passed on where latch runs it as a
// child.
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("latch-ui exited with %d", int(c)) }

// fail prints err as one line of what happened and, where there is one, a
// line of what to do; it returns the exit code.
func (a *app) fail(ctx context.Context, err error) int {
	var child exitCode
	if errors.As(err, &child) {
		return int(child) // latch-ui has said what went wrong
	}
	msg, hint, code := a.explain(ctx, err)
	fmt.Fprintln(a.stderr, "latch: "+safeText(msg))
	if hint != "" {
		fmt.Fprintln(a.stderr, "  "+safeText(hint))
	}
	return code
}

// explain turns an engine error into a sentence, a hint naming a command
// that works as printed, and an exit code.
func (a *app) explain(ctx context.Context, err error) (msg, hint string, code int) {
	msg, code = err.Error(), exitError
	var unknown *session.UnknownTenantError
	var changed *session.ProfileChangedError
	var h hinted
	var noUI errNoUI
	if errors.As(err, &noUI) {
		return msg, "install it beside latch: go install github.com/latchdev/latch/cmd/latch-ui@latest (" + noUI.instead + " prints the same without it)", code
	}
	if errors.As(err, &h) {
		_, _, code = a.explain(ctx, h.err)
		return msg, h.hint, code
	}
	switch {
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		return "interrupted: " + msg, "", exitInterrupted
	case errors.As(err, &changed):
		return msg, "sign in to the new one: " + a.loginCommandLine(), exitSignInRequired
	case errors.Is(err, tokencache.ErrSignInRequired):
		return msg, "sign in with: " + a.loginCommandLine(), exitSignInRequired
	case errors.As(err, &unknown):
		hint = fmt.Sprintf("add it with: latch tenant add %s --issuer URL --client-id ID", shellQuote(unknown.Name))
		if s := unknown.Suggestions(); len(s) > 0 {
			hint = fmt.Sprintf("did you mean %s? (latch tenant ls lists them) Or %s", strings.Join(s, " or "), hint)
		}
		return msg, hint, code
	case errors.Is(err, session.ErrNoTenant):
		return "no tenant chosen", "pass --tenant NAME (see latch tenant ls), or --issuer URL --client-id ID; latch tenant use NAME sets a default", code
	case errors.Is(err, session.ErrNoClientID):
		return msg, "pass --client-id ID (for Logto, the application's App ID)", code
	case errors.Is(err, session.ErrInsecureIssuer):
		return msg, "use the provider's https URL; only if you accept that risk, add the tenant with --insecure-allow-http", code
	case errors.Is(err, session.ErrBadIssuer):
		return msg, "an issuer is an https URL, for Logto https://<tenant>.logto.app/oidc", code
	case errors.Is(err, auth.ErrSignInTimeout):
		return msg, "if the provider's page rejected the redirect URI, it matches redirect URIs exactly (Dex, Keycloak, LemonLDAP, Okta): register http://127.0.0.1:8765/callback there and sign in with --redirect-port 8765 (or set redirect_port)", code
	case errors.Is(err, auth.ErrProviderUnreachable):
		return msg, "check the network, HTTPS_PROXY and the provider's status; nothing was opened in the browser", code
	case errors.Is(err, tokencache.ErrKeyringLocked):
		return msg, "unlock the login keyring (Seahorse, or your desktop's unlock prompt) and try again, or use --store file (unencrypted)", code
	case errors.Is(err, tokencache.ErrKeyringRefused):
		return msg, "allow latch when the keyring asks, or use --store file (unencrypted)", code
	case errors.Is(err, tokencache.ErrStateDir):
		return msg, "make the directory writable, or point LATCH_STATE_DIR (or XDG_STATE_HOME) at one that is", code
	case errors.Is(err, tokencache.ErrKeyringTimeout):
		return msg, "unlock or restart the keyring (gnome-keyring-daemon), raise LATCH_KEYRING_TIMEOUT, or use --store file (unencrypted)", code
	case errors.Is(err, tokencache.ErrKeyringUnavailable):
		return msg, "start or unlock a Secret Service (gnome-keyring, KeePassXC), or use --store file (unencrypted)", code
	}
	return msg, "", code
}

// selectorFlags are the flags that chose the session, to repeat in hints.
func (a *app) selectorFlags() string {
	var parts []string
	if a.sel.Tenant != "" {
		parts = append(parts, "--tenant", shellQuote(a.sel.Tenant))
	}
	if a.sel.Issuer != "" {
		parts = append(parts, "--issuer", shellQuote(a.sel.Issuer))
	}
	if a.sel.ClientID != "" {
		parts = append(parts, "--client-id", shellQuote(a.sel.ClientID))
	}
	return strings.Join(parts, " ")
}

// loginCommandLine is the latch login command for the session the flags
// chose.
func (a *app) loginCommandLine() string {
	if f := a.selectorFlags(); f != "" {
		return "latch login " + f
	}
	return "latch login"
}

// shellQuote quotes s for a POSIX shell when it needs it; control
// characters are shown escaped first (a hint is printed, never run).
func shellQuote(s string) string {
	s = safeText(s)
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@#%+=,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
