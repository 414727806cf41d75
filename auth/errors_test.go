package auth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

func TestExplainKeepsTheProvidersWordsAndAddsAHint(t *testing.T) {
	tests := []struct{ code, desc, want string }{
		{"consent_required", "", "administrator"},
		{"interaction_required", "", "interactively"},
		{"access_denied", "", "denied"},
		{"invalid_grant", "", "sign in again"},
		{"invalid_client", "AADSTS65001: The user or administrator has not consented", "administrator to grant"},
		{"invalid_request", "AADSTS50020: User account from identity provider does not exist in tenant", "guest"},
		{"unauthorized_client", "AADSTS700016: Application with identifier 'x' was not found in the directory", "wrong"},
		{"invalid_client", "AADSTS7000218: The request body must contain client_assertion or client_secret", "Allow public client flows"},
		{"invalid_grant", "AADSTS50076: you must use multi-factor authentication", "multi-factor"},
		{"invalid_request", "AADSTS50011: The redirect URI does not match", "http://localhost"},
		{"unauthorized_client", "The client is not authorized to use this grant type", "does not allow it this grant type"},
		{"unauthorized_client", "unknown client", "does not know this client"},
		{"server_error", "boom", "provider's fault"},
		{"temporarily_unavailable", "", "session is kept"},
	}
	for _, tt := range tests {
		got := Explain(&ProviderError{Code: tt.code, Description: tt.desc})
		if !strings.Contains(got, tt.want) || !strings.Contains(got, tt.code) || (tt.desc != "" && !strings.Contains(got, strings.TrimSuffix(tt.desc, "."))) {
			t.Errorf("Explain(%s %q) = %q, want the provider's words and %q", tt.code, tt.desc, got, tt.want)
		}
		if strings.Contains(got, "--") {
			t.Errorf("Explain(%s) names a command-line flag: %q", tt.code, got)
		}
	}
	re := &oauth2.RetrieveError{ErrorCode: "invalid_grant", ErrorDescription: "grant request is invalid"}
	if got := Explain(fmt.Errorf("refresh: %w", re)); !strings.Contains(got, "grant request is invalid") || !strings.Contains(got, "sign in again") {
		t.Errorf("Explain of a RetrieveError: %q", got)
	}
}

func TestProviderTextIsCleaned(t *testing.T) {
	f := newFakeOP(t)
	f.token = func(url.Values) (int, any) {
		return 400, map[string]string{"error": "invalid_grant", "error_description": "line one\nline two\x1b[31m" + strings.Repeat("x", 5000), "error_uri": "https://docs.example/e"}
	}
	_, err := f.provider(t).Refresh(t.Context(), TokenRequest{RefreshToken: "rt"})
	var pe *ProviderError
	if !errors.As(err, &pe) || pe.URI != "https://docs.example/e" || pe.Status != 400 || pe.Hint == "" {
		t.Fatalf("%#v", err)
	}
	if strings.ContainsAny(err.Error(), "\n\x1b") || len(pe.Description) > 600 || !strings.HasPrefix(pe.Description, "line one line two") {
		t.Fatalf("provider text not cleaned: %q", err)
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestIsGrantGone(t *testing.T) {
	status := func(n int) *http.Response { return &http.Response{StatusCode: n} }
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"invalid_grant", &ProviderError{Code: "invalid_grant", Status: 400}, true},
		{"wrapped invalid_grant", fmt.Errorf("refresh: %w", &ProviderError{Code: "invalid_grant", Status: 400}), true},
		{"x/oauth2 invalid_grant", &oauth2.RetrieveError{ErrorCode: "invalid_grant", Response: status(400)}, true},
		{"Dex claimed refresh token", &ProviderError{Code: "invalid_request", Description: "Refresh token is invalid or has already been claimed by another client.", Status: 400}, true},
		{"other invalid_request", &ProviderError{Code: "invalid_request", Description: "missing parameter", Status: 400}, false},
		{"invalid_grant with a 503", &ProviderError{Code: "invalid_grant", Status: 503}, false},
		{"bare 500", &ProviderError{Status: 500}, false},
		{"temporarily_unavailable", &ProviderError{Code: "temporarily_unavailable", Status: 400}, false},
		{"server_error", &ProviderError{Code: "server_error", Status: 400}, false},
		{"x/oauth2 502", &oauth2.RetrieveError{ErrorCode: "invalid_grant", Response: status(502)}, false},
		{"network", &url.Error{Op: "Post", URL: "https://idp", Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}, false},
		{"timeout", &url.Error{Op: "Post", URL: "https://idp", Err: timeoutErr{}}, false},
		{"deadline", context.DeadlineExceeded, false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		if got := IsGrantGone(tt.err); got != tt.want {
			t.Errorf("IsGrantGone(%s) = %v, want %v", tt.name, got, tt.want)
		}
		if IsInvalidGrant(tt.err) != IsGrantGone(tt.err) {
			t.Errorf("IsInvalidGrant and IsGrantGone disagree on %s", tt.name)
		}
	}
}

// A 5xx with an HTML body (a proxy in front of the provider) is the
// provider's fault, with no code made up.
func TestServerFaultIsNotTheUsers(t *testing.T) {
	f := newFakeOP(t)
	f.token = func(url.Values) (int, any) { return 502, "<html>bad gateway</html>" }
	_, err := f.provider(t).Refresh(t.Context(), TokenRequest{RefreshToken: "rt"})
	var pe *ProviderError
	if !errors.As(err, &pe) || !pe.ProviderFault() || pe.Code != "" || IsGrantGone(err) || !strings.Contains(err.Error(), "session is kept") {
		t.Fatalf("502: %v", err)
	}
}
