package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// Userinfo fetches the userinfo claims with an access token.
func (p *Provider) Userinfo(ctx context.Context, accessToken string) (map[string]any, error) {
	if p.Metadata.UserinfoEndpoint == "" {
		return nil, errors.New("the provider has no userinfo endpoint")
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
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("userinfo: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("userinfo answered %s", resp.Status)
	}
	claims := map[string]any{}
	if err := json.Unmarshal(body, &claims); err != nil {
		return nil, fmt.Errorf("userinfo is not JSON: %w", err)
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
	resp, _, err := p.postForm(ctx, "revocation", p.Metadata.RevocationEndpoint, form)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("revocation answered %s", resp.Status)
	}
	return nil
}

// EndSessionURL is the RP-initiated logout URL, or "" when the provider has
// none. It carries client_id rather than id_token_hint so that no token ends
// up on a browser launcher's command line.
func (p *Provider) EndSessionURL() string {
	if p.Metadata.EndSessionEndpoint == "" {
		return ""
	}
	u, err := url.Parse(p.Metadata.EndSessionEndpoint)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set("client_id", p.Config.ClientID)
	u.RawQuery = q.Encode()
	return u.String()
}
