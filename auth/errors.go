package auth

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/oauth2"
)

// ProviderError is an error the provider sent back on the redirect.
type ProviderError struct {
	Code, Description, URI string
}

func (e *ProviderError) Error() string {
	if e.Description != "" {
		return fmt.Sprintf("provider refused the sign-in: %s (%s)", e.Code, e.Description)
	}
	return "provider refused the sign-in: " + e.Code
}

// Explain turns an error into one sentence for a person, with what to do.
func Explain(err error) string {
	var pe *ProviderError
	if errors.As(err, &pe) {
		return explainCode(pe.Code, pe.Description)
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return explainCode(re.ErrorCode, re.ErrorDescription)
	}
	return err.Error()
}

func explainCode(code, desc string) string {
	switch {
	case strings.Contains(desc, "AADSTS65001") || code == "consent_required":
		return "The app needs consent in this directory: ask an administrator to grant it, or sign in again with --prompt consent."
	case code == "interaction_required" || code == "login_required":
		return "The provider needs you to interact: sign in again with --prompt login."
	case code == "access_denied":
		return "The sign-in was denied in the browser: run latch login again and approve it."
	case code == "invalid_grant":
		return "The session is gone at the provider (revoked, expired or replayed): sign in again with latch login."
	case code == "invalid_client" || code == "unauthorized_client":
		return "The provider does not know this client: check the tenant's client_id and that the app is a Native app."
	case strings.Contains(desc, "AADSTS50011"):
		return "The redirect URI is not registered in the Entra app: add http://localhost under Mobile and desktop applications and sign in with --redirect-host localhost."
	case code == "invalid_request" && strings.Contains(desc, "redirect_uri"):
		return "The redirect URI is not registered: add http://127.0.0.1/callback to the app's redirect URIs."
	case code == "invalid_scope":
		return "The provider refused a requested scope: check --scope."
	case code == "invalid_target":
		return "The provider does not know the requested resource: check --resource against the API resources in your tenant."
	}
	if desc != "" {
		return fmt.Sprintf("The provider answered %s: %s.", code, desc)
	}
	return "The provider answered " + code + "."
}

// IsInvalidGrant reports whether the provider said the grant is gone, which
// means the record is useless and the user must sign in again.
func IsInvalidGrant(err error) bool {
	var re *oauth2.RetrieveError
	return errors.As(err, &re) && re.ErrorCode == "invalid_grant"
}
