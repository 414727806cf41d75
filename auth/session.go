package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
)

// Userinfo errors, for errors.Is.
var (
	ErrNoUserinfo = errors.New("the provider has no userinfo endpoint")
	// ErrUserinfoSubject: the userinfo answer is about another account
	// than the ID token (OpenID Connect Core §5.3.2): it must not be used.
	ErrUserinfoSubject = errors.New("userinfo names another subject than the ID token")
	// ErrInvalidUserinfo: the answer is not a JSON object with a string sub.
	ErrInvalidUserinfo = errors.New("userinfo answer is not usable")
)

// Userinfo fetches the userinfo claims with an access token. The answer
// must be a JSON object (at most 1 MiB) whose sub, when present, is a
// string. Signed (application/jwt) userinfo is not supported.
func (p *Provider) Userinfo(ctx context.Context, accessToken string) (map[string]any, error) {
	if p.Metadata.UserinfoEndpoint == "" {
		return nil, ErrNoUserinfo
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.Metadata.UserinfoEndpoint, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	resp, err := p.Config.client().Do(req)
	if err != nil {
		return nil, fmt.Errorf("userinfo: %w", err)
	}
	defer resp.Body.Close()
	body, err := readBounded(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("userinfo: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, p.endpointError(resp, body)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "application/jwt" {
		return nil, fmt.Errorf("%w: it is signed (application/jwt), which latch does not read", ErrInvalidUserinfo)
	}
	return parseUserinfo(body)
}

func parseUserinfo(body []byte) (map[string]any, error) {
	var claims map[string]any
	if err := json.Unmarshal(body, &claims); err != nil || claims == nil {
		return nil, fmt.Errorf("%w: not a JSON object", ErrInvalidUserinfo)
	}
	if sub, ok := claims["sub"]; ok {
		if _, ok := sub.(string); !ok {
			return nil, fmt.Errorf("%w: sub is not a string", ErrInvalidUserinfo)
		}
	}
	return claims, nil
}

// UserinfoFor fetches userinfo for the account of a verified ID token:
// a sub that differs from the token's is refused, and the claims are
// attached to id so that Name, Email and Display can fall back to them.
func (p *Provider) UserinfoFor(ctx context.Context, accessToken string, id *Identity) (map[string]any, error) {
	claims, err := p.Userinfo(ctx, accessToken)
	if err != nil {
		return nil, err
	}
	if err := id.AttachUserinfo(claims); err != nil {
		return nil, err
	}
	return claims, nil
}

// ErrNoRevocation means the provider has no revocation endpoint, so a
// refresh token can only be forgotten locally.
var ErrNoRevocation = errors.New("the provider has no revocation endpoint")

// Revoke revokes a refresh token (RFC 7009) as a public client. Revoking the
// refresh token ends the grant; revoking only the access token would leave
// offline_access alive.
func (p *Provider) Revoke(ctx context.Context, refreshToken string) error {
	if p.Metadata.RevocationEndpoint == "" {
		return ErrNoRevocation
	}
	form := url.Values{
		"token":           {refreshToken},
		"token_type_hint": {"refresh_token"},
		"client_id":       {p.Config.ClientID},
	}
	resp, body, err := p.postForm(ctx, "revocation", p.Metadata.RevocationEndpoint, form)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("revocation: %w", p.endpointError(resp, body))
	}
	return nil
}

// ErrNoEndSession means the provider publishes no end_session_endpoint:
// latch can forget the session but cannot end it at the provider.
var ErrNoEndSession = errors.New("the provider has no end-session endpoint")

// EndSessionOptions shape an RP-initiated logout URL.
type EndSessionOptions struct {
	// IDTokenHint tells the provider whose session to end. It puts the ID
	// token in a URL (browser history, a launcher's argv): leave it empty
	// to send only client_id.
	IDTokenHint string
	// PostLogoutRedirectURI must be registered at the provider.
	PostLogoutRedirectURI string
	State                 string
}

// EndSession builds the RP-initiated logout URL (OpenID Connect
// RP-Initiated Logout 1.0): client_id always, the other parameters when set.
func (p *Provider) EndSession(o EndSessionOptions) (string, error) {
	if p.Metadata.EndSessionEndpoint == "" {
		return "", ErrNoEndSession
	}
	u, err := url.Parse(p.Metadata.EndSessionEndpoint)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrNoEndSession, err)
	}
	q := u.Query()
	q.Set("client_id", p.Config.ClientID)
	for k, v := range map[string]string{"id_token_hint": o.IDTokenHint, "post_logout_redirect_uri": o.PostLogoutRedirectURI, "state": o.State} {
		if v != "" {
			q.Set(k, v)
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// EndSessionURL is EndSession with client_id only, or "" when the provider
// has no end-session endpoint.
//
// Deprecated: use EndSession, which can send id_token_hint and says why
// there is no URL.
func (p *Provider) EndSessionURL() string {
	u, _ := p.EndSession(EndSessionOptions{})
	return u
}
