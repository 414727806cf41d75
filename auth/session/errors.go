package session

import (
	"errors"
	"fmt"

	"github.com/latchdev/latch/tokencache"
)

// Errors for errors.Is. None names a command-line flag: front ends add
// their own advice.
var (
	// ErrSignInRequired: there is no usable session; an interactive
	// sign-in is needed. The same value as tokencache's.
	ErrSignInRequired = tokencache.ErrSignInRequired
	// ErrNoTenant: no profile was named and none is the default.
	ErrNoTenant = errors.New("no tenant chosen")
	// ErrUnknownTenant: the named profile is not in the config.
	ErrUnknownTenant = errors.New("no such tenant in the config")
	// ErrNoClientID: the profile has no client id.
	ErrNoClientID = errors.New("the tenant has no client id")
	// ErrBadIssuer: the issuer cannot be an issuer URL.
	ErrBadIssuer = errors.New("not an issuer URL")
	// ErrUnknownStore: a store kind other than keyring or file.
	ErrUnknownStore = errors.New("unknown store")
	// ErrHasSessions: a profile with sessions would be re-pointed or
	// removed without being forced.
	ErrHasSessions = errors.New("the tenant has signed-in sessions")
	// ErrReadOnly: the profiles cannot be changed (the demo's).
	ErrReadOnly = errors.New("these tenants cannot be changed here")
)

// SignInRequiredError says which session needs a sign-in and why. It is
// ErrSignInRequired for errors.Is.
type SignInRequiredError struct {
	// Profile is the profile's name; Selector how the caller chose it.
	Profile  string
	Selector Selector
	// Reason is a sentence for people.
	Reason string
	// Err is the cause, when there is one.
	Err error
}

func (e *SignInRequiredError) Error() string {
	s := "sign-in required for " + e.Profile
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

func (e *SignInRequiredError) Is(target error) bool { return target == ErrSignInRequired }
func (e *SignInRequiredError) Unwrap() error        { return e.Err }

// signInRequired wraps err (which may already be ErrSignInRequired) with
// the session's profile and selector.
func signInRequired(p *Profile, sel Selector, err error) error {
	var sr *SignInRequiredError
	if errors.As(err, &sr) {
		return err
	}
	return &SignInRequiredError{Profile: p.Name, Selector: sel, Reason: reasonOf(err), Err: err}
}

// reasonOf is an error's text without a leading "sign-in required: ".
func reasonOf(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	prefix := ErrSignInRequired.Error() + ": "
	if len(s) > len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):]
	}
	if s == ErrSignInRequired.Error() {
		return ""
	}
	return s
}

// ProfileChangedError: the record was issued by another issuer or client
// than the profile now names, so it is not served.
type ProfileChangedError struct {
	Profile                string
	RecordIssuer, Issuer   string
	RecordClient, ClientID string
}

func (e *ProfileChangedError) Error() string {
	return fmt.Sprintf("the tenant %s now points at %s (client %s), but its session was issued by %s (client %s)",
		e.Profile, e.Issuer, e.ClientID, e.RecordIssuer, e.RecordClient)
}

func (e *ProfileChangedError) Is(target error) bool { return target == ErrSignInRequired }
