package auth

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"

	"golang.org/x/oauth2"
)

// ProviderError is an OAuth error the provider sent: on the redirect
// (Status 0) or from one of its endpoints (Status is the HTTP status). Code,
// Description and URI are the provider's own words, cleaned of control
// characters and bounded; Hint is latch's advice where one is known and
// never replaces them. Endpoint errors unwrap to an *oauth2.RetrieveError,
// so errors.As works for either type.
type ProviderError struct {
	Code, Description, URI string
	Hint                   string
	Status                 int

	retrieve *oauth2.RetrieveError
}

func (e *ProviderError) Error() string {
	var b strings.Builder
	b.WriteString("the provider answered ")
	switch {
	case e.Code != "":
		b.WriteString(e.Code)
	case e.Status != 0:
		fmt.Fprintf(&b, "HTTP %d %s", e.Status, http.StatusText(e.Status))
	default:
		b.WriteString("an error without a code")
	}
	if e.Description != "" {
		b.WriteString(": " + e.Description)
	}
	if e.URI != "" {
		b.WriteString(" (" + e.URI + ")")
	}
	if e.Hint != "" {
		b.WriteString(". " + e.Hint)
	}
	return b.String()
}

// Unwrap returns the *oauth2.RetrieveError of an endpoint error, or nil.
func (e *ProviderError) Unwrap() error {
	if e.retrieve == nil {
		return nil
	}
	return e.retrieve
}

// ProviderFault reports a failure on the provider's side (5xx,
// server_error, temporarily_unavailable): the session is kept, try later.
func (e *ProviderError) ProviderFault() bool {
	return e.Status >= 500 || e.Code == "server_error" || e.Code == "temporarily_unavailable"
}

// maxProviderText bounds each text field copied from a provider.
const maxProviderText = 512

// cleanProviderText makes a provider's text safe to print on one line.
func cleanProviderText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, " "))
	if len(s) > maxProviderText {
		s = strings.ToValidUTF8(s[:maxProviderText], "") + "..."
	}
	return strings.TrimSpace(s)
}

// Explain turns an error into one sentence for a person: the provider's
// own words first, then latch's hint. It names no command-line flags.
func Explain(err error) string {
	if err == nil {
		return ""
	}
	var pe *ProviderError
	if errors.As(err, &pe) {
		return explain(pe.Code, pe.Description, pe.hint(KindGeneric))
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return explain(re.ErrorCode, re.ErrorDescription, hintFor(KindGeneric, re.ErrorCode, re.ErrorDescription, statusOf(re)))
	}
	return err.Error()
}

func explain(code, desc, hint string) string {
	s := "The provider answered " + cleanProviderText(code)
	if code == "" {
		s = "The provider answered an error"
	}
	if desc != "" {
		s += ": " + strings.TrimSuffix(cleanProviderText(desc), ".")
	}
	s += "."
	if hint != "" {
		s += " " + hint
	}
	return s
}

func (e *ProviderError) hint(kind Kind) string {
	if e.Hint != "" {
		return e.Hint
	}
	return hintFor(kind, e.Code, e.Description, e.Status)
}

func statusOf(re *oauth2.RetrieveError) int {
	if re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

// ErrGrantGone is matched by errors.Is for errors meaning the grant behind
// a refresh token is gone (see IsGrantGone).
var ErrGrantGone = errors.New("the grant is gone at the provider")

// IsGrantGone reports whether the provider said the grant is gone, so the
// record is useless and the user must sign in again: invalid_grant, and
// Dex's invalid_request "Refresh token is invalid or has already been
// claimed by another client". It is false for provider faults (5xx,
// server_error, temporarily_unavailable), network errors and timeouts.
func IsGrantGone(err error) bool {
	if errors.Is(err, ErrGrantGone) {
		return true
	}
	var pe *ProviderError
	if errors.As(err, &pe) {
		return !pe.ProviderFault() && grantGone(pe.Code, pe.Description)
	}
	var re *oauth2.RetrieveError
	return errors.As(err, &re) && statusOf(re) < 500 && grantGone(re.ErrorCode, re.ErrorDescription)
}

// IsInvalidGrant is IsGrantGone, under its first name.
func IsInvalidGrant(err error) bool { return IsGrantGone(err) }

func grantGone(code, desc string) bool {
	if code == "invalid_grant" {
		return true
	}
	return code == "invalid_request" && isDexDeadRefresh(desc)
}
