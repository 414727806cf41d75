package hydra

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxBody bounds every answer read from Hydra or a browser.
const maxBody = 1 << 20

// Admin speaks Hydra's admin API (clients, login and consent requests,
// introspection, consent revocation).
type Admin struct {
	URL  string // e.g. http://127.0.0.1:4445
	HTTP *http.Client
}

// APIError is an admin API answer with an unexpected status.
type APIError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("hydra admin %s %s: %d %.300s", e.Method, e.Path, e.Status, e.Body)
}

// ErrExited is a Hydra that exited before it was ready.
var ErrExited = errors.New("hydra exited before it was ready")

// ErrNoRedirect is a login or consent acceptance without a redirect_to.
var ErrNoRedirect = errors.New("hydra accepted without a redirect_to")

// Client is the part of an OAuth 2.0 client that tests need.
type Client struct {
	ID          string `json:"client_id"`
	RedirectURI string `json:"-"`
}

// CreatePublicClient registers a native public client (no secret,
// token_endpoint_auth_method none) allowed the code and refresh grants,
// the scopes latch asks for by default, and exactly one redirect URI.
func (a *Admin) CreatePublicClient(ctx context.Context, name, redirectURI string) (*Client, error) {
	in := map[string]any{
		"client_name":                name,
		"redirect_uris":              []string{redirectURI},
		"grant_types":                []string{"authorization_code", "refresh_token"},
		"response_types":             []string{"code"},
		"scope":                      "openid offline_access profile email",
		"token_endpoint_auth_method": "none",
	}
	var c Client
	if err := a.do(ctx, http.MethodPost, "/admin/clients", in, &c, http.StatusCreated); err != nil {
		return nil, err
	}
	if c.ID == "" {
		return nil, errors.New("hydra created a client without a client_id")
	}
	c.RedirectURI = redirectURI
	return &c, nil
}

// Active says whether Hydra's introspection calls token active.
func (a *Admin) Active(ctx context.Context, token string) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.URL+"/admin/oauth2/introspect",
		strings.NewReader(url.Values{"token": {token}}.Encode()))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var out struct {
		Active *bool `json:"active"`
	}
	if err := a.send(req, &out, http.StatusOK); err != nil {
		return false, err
	}
	if out.Active == nil {
		return false, errors.New("hydra introspection answered without active")
	}
	return *out.Active, nil
}

// RevokeConsent withdraws subject's consent to client, which revokes every
// token issued under it: what a user does at "connected apps".
func (a *Admin) RevokeConsent(ctx context.Context, subject, clientID string) error {
	q := url.Values{"subject": {subject}, "client": {clientID}}
	return a.do(ctx, http.MethodDelete, "/admin/oauth2/auth/sessions/consent?"+q.Encode(), nil, nil, http.StatusNoContent)
}

// Ready polls the admin health endpoint until Hydra is ready or ctx ends.
func (a *Admin) Ready(ctx context.Context, exited <-chan struct{}) error {
	var last error
	for {
		err := a.do(ctx, http.MethodGet, "/health/ready", nil, nil, http.StatusOK)
		if err == nil {
			return nil
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("hydra not ready: %w (last: %w)", ctx.Err(), last)
		case <-exited:
			return fmt.Errorf("%w (last: %w)", ErrExited, last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (a *Admin) do(ctx context.Context, method, path string, in, out any, want int) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.URL+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return a.send(req, out, want)
}

func (a *Admin) send(req *http.Request, out any, want int) error {
	c := a.HTTP
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return &APIError{Method: req.Method, Path: req.URL.Path, Status: resp.StatusCode, Body: string(b)}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("hydra admin %s %s: %w", req.Method, req.URL.Path, err)
	}
	return nil
}
