package hydra

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
)

// User is the one person the login app signs in.
type User struct {
	Subject string
	Email   string
	Name    string
}

// Alice is the fixed test user.
var Alice = User{Subject: "alice", Email: "alice@example.test", Name: "Alice Example"}

// DenyPrefix starts the name of a client whose consent the user denies.
const DenyPrefix = "deny:"

// ConsentApp is the login and consent app every Hydra deployment writes:
// /login accepts the login challenge as User without asking anything,
// /consent grants every requested scope and audience and puts the user's
// email and name into the ID token, or, for a client named DenyPrefix…,
// rejects it as a user clicking "Deny" would. Both answer with the
// redirect Hydra gave back. It remembers nothing: each sign-in goes
// through both.
type ConsentApp struct {
	Admin *Admin
	User  User

	logins, consents atomic.Int64
}

// Counts are how many logins and consents the app accepted.
func (c *ConsentApp) Counts() (logins, consents int64) {
	return c.logins.Load(), c.consents.Load()
}

func (c *ConsentApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var (
		to  string
		err error
	)
	switch r.URL.Path {
	case "/login":
		to, err = c.acceptLogin(r.Context(), r.URL.Query().Get("login_challenge"))
	case "/consent":
		to, err = c.acceptConsent(r.Context(), r.URL.Query().Get("consent_challenge"))
	default:
		http.NotFound(w, r)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	http.Redirect(w, r, to, http.StatusFound)
}

func (c *ConsentApp) acceptLogin(ctx context.Context, challenge string) (string, error) {
	if challenge == "" {
		return "", fmt.Errorf("login: no login_challenge")
	}
	q := "?" + url.Values{"login_challenge": {challenge}}.Encode()
	// Fetching the request first checks the challenge is Hydra's.
	if err := c.Admin.do(ctx, http.MethodGet, "/admin/oauth2/auth/requests/login"+q, nil, &struct{}{}, http.StatusOK); err != nil {
		return "", fmt.Errorf("login: %w", err)
	}
	var out struct {
		RedirectTo string `json:"redirect_to"`
	}
	in := map[string]any{"subject": c.User.Subject, "remember": false}
	if err := c.Admin.do(ctx, http.MethodPut, "/admin/oauth2/auth/requests/login/accept"+q, in, &out, http.StatusOK); err != nil {
		return "", fmt.Errorf("login: %w", err)
	}
	if out.RedirectTo == "" {
		return "", fmt.Errorf("login: %w", ErrNoRedirect)
	}
	c.logins.Add(1)
	return out.RedirectTo, nil
}

func (c *ConsentApp) acceptConsent(ctx context.Context, challenge string) (string, error) {
	if challenge == "" {
		return "", fmt.Errorf("consent: no consent_challenge")
	}
	q := "?" + url.Values{"consent_challenge": {challenge}}.Encode()
	var req struct {
		Scopes    []string `json:"requested_scope"`
		Audiences []string `json:"requested_access_token_audience"`
		Client    struct {
			Name string `json:"client_name"`
		} `json:"client"`
	}
	if err := c.Admin.do(ctx, http.MethodGet, "/admin/oauth2/auth/requests/consent"+q, nil, &req, http.StatusOK); err != nil {
		return "", fmt.Errorf("consent: %w", err)
	}
	verb := "accept"
	var in any = map[string]any{
		"grant_scope":                 nonNil(req.Scopes),
		"grant_access_token_audience": nonNil(req.Audiences),
		"remember":                    false,
		"session": map[string]any{"id_token": map[string]any{
			"email": c.User.Email, "email_verified": true, "name": c.User.Name,
		}},
	}
	if strings.HasPrefix(req.Client.Name, DenyPrefix) {
		verb = "reject"
		in = map[string]any{"error": "access_denied", "error_description": "The resource owner denied the request"}
	}
	var out struct {
		RedirectTo string `json:"redirect_to"`
	}
	if err := c.Admin.do(ctx, http.MethodPut, "/admin/oauth2/auth/requests/consent/"+verb+q, in, &out, http.StatusOK); err != nil {
		return "", fmt.Errorf("consent: %w", err)
	}
	if out.RedirectTo == "" {
		return "", fmt.Errorf("consent: %w", ErrNoRedirect)
	}
	c.consents.Add(1)
	return out.RedirectTo, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
