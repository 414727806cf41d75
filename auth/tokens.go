package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Tokens is what a token endpoint returned.
type Tokens struct {
	AccessToken  string    `json:"access_token"`
	TokenType    string    `json:"token_type,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	IDToken      string    `json:"id_token,omitempty"`
	Scope        string    `json:"scope,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
	// ScopeRequested: the response had no scope, so Scope holds the
	// scopes that were asked for (RFC 6749 §5.1: granted as requested).
	ScopeRequested bool `json:"scope_requested,omitempty"`
	// AudienceUnchecked: a resource was asked for but the access token is
	// opaque, so latch cannot tell whether the provider honoured it.
	AudienceUnchecked bool `json:"audience_unchecked,omitempty"`
}

// Audience says which access token is wanted: API resource (sent as the
// provider's audience parameter), Logto organization, and scopes. The zero
// value is the default (userinfo) token.
type Audience struct {
	Resource     string   `json:"resource,omitempty"`
	Organization string   `json:"organization_id,omitempty"`
	Scopes       []string `json:"scopes,omitempty"`
}

// TokenRequest is a refresh-token grant with latch's extra parameters.
type TokenRequest struct {
	RefreshToken string
	Audience     Audience
}

// CodeExchange is an authorization-code grant of a public client.
type CodeExchange struct {
	Code, RedirectURI, Verifier string
	// Scopes are those of the authorization request; they stand for the
	// granted scopes when the response names none.
	Scopes []string
	// Audience.Resource is sent with the provider's audience parameter.
	Audience Audience
}

// Token response errors, for errors.Is.
var (
	ErrInvalidTokenResponse = errors.New("the token endpoint's answer is not a valid token response")
	// ErrUnsupportedTokenType: token_type is neither Bearer nor absent.
	ErrUnsupportedTokenType = errors.New("unsupported token_type")
	// ErrAudienceMismatch: a JWT access token does not name the requested
	// resource among its audiences.
	ErrAudienceMismatch = errors.New("the access token is not for the requested resource")
)

// PartialTokenError is returned with tokens that were parsed although the
// response was faulty. The new refresh token in Tokens must be stored
// anyway: providers that rotate refresh tokens have already revoked the
// previous one.
type PartialTokenError struct {
	Tokens *Tokens
	Err    error
}

func (e *PartialTokenError) Error() string { return e.Err.Error() }
func (e *PartialTokenError) Unwrap() error { return e.Err }

// ExchangeCode redeems an authorization code with its PKCE verifier, as a
// public client (client_id in the body). See tokenRequest for what is
// checked.
func (p *Provider) ExchangeCode(ctx context.Context, x CodeExchange) (*Tokens, error) {
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {x.Code},
		"redirect_uri":  {x.RedirectURI},
		"code_verifier": {x.Verifier},
		"client_id":     {p.Config.ClientID},
	}
	if x.Audience.Resource != "" {
		form.Set(p.audienceParam(), x.Audience.Resource)
	}
	return p.tokenGrant(ctx, form, x.Scopes, x.Audience.Resource)
}

// Refresh redeems a refresh token at the token endpoint, with the resource
// (as the provider's audience parameter), organization_id and scopes. The
// returned tokens have no ID token when the provider sent none: the caller
// keeps the previous one.
func (p *Provider) Refresh(ctx context.Context, r TokenRequest) (*Tokens, error) {
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {r.RefreshToken},
		"client_id":     {p.Config.ClientID},
	}
	if r.Audience.Resource != "" {
		form.Set(p.audienceParam(), r.Audience.Resource)
	}
	if r.Audience.Organization != "" {
		form.Set("organization_id", r.Audience.Organization)
	}
	if len(r.Audience.Scopes) > 0 {
		form.Set("scope", strings.Join(r.Audience.Scopes, " "))
	}
	return p.tokenGrant(ctx, form, r.Audience.Scopes, r.Audience.Resource)
}

// postForm POSTs a form to one of the provider's endpoints and returns the
// response with its body read (at most 1 MiB). what names the endpoint in
// errors.
func (p *Provider) postForm(ctx context.Context, what, endpoint string, form url.Values) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := p.Config.client().Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", what, err)
	}
	defer resp.Body.Close()
	body, err := readBounded(resp.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", what, err)
	}
	return resp, body, nil
}

// tokenRequest posts a grant whose scopes and resource are not tracked.
func (p *Provider) tokenRequest(ctx context.Context, form url.Values) (*Tokens, error) {
	return p.tokenGrant(ctx, form, nil, "")
}

// tokenGrant posts a grant and checks the answer: an error response
// becomes a *ProviderError; a success is parsed by parseTokenResponse; a
// JWT access token for a requested resource must name it in aud. Faults
// found after tokens were parsed come as a *PartialTokenError.
func (p *Provider) tokenGrant(ctx context.Context, form url.Values, scopes []string, resource string) (*Tokens, error) {
	resp, body, err := p.postForm(ctx, "token endpoint", p.Metadata.TokenEndpoint, form)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, p.endpointError(resp, body)
	}
	t, err := parseTokenResponse(body, p.Config.now(), scopes)
	if err != nil {
		return t, err
	}
	if err := p.checkAudience(t, resource); err != nil {
		return t, &PartialTokenError{Tokens: t, Err: err}
	}
	return t, nil
}

// checkAudience compares a JWT access token's aud with the resource asked
// for; an opaque token is marked AudienceUnchecked.
func (p *Provider) checkAudience(t *Tokens, resource string) error {
	if resource == "" {
		return nil
	}
	_, payload, err := UnverifiedClaims(t.AccessToken)
	if err != nil {
		t.AudienceUnchecked = true
		return nil
	}
	auds := audiences(payload["aud"])
	for _, a := range auds {
		if a == resource || (p.Known().Kind == KindEntra && "api://"+a == resource) {
			return nil
		}
	}
	return fmt.Errorf("%w: it is for %q, not %q: the provider probably ignores the %q parameter; set the profile's audience_param setting to the one it understands",
		ErrAudienceMismatch, auds, resource, p.audienceParam())
}

func audiences(v any) []string {
	if s, ok := v.(string); ok {
		return []string{s}
	}
	return stringClaims(v)
}

// endpointError is an OAuth error response with latch's provider-aware hint.
func (p *Provider) endpointError(resp *http.Response, body []byte) *ProviderError {
	e := retrieveError(resp, body)
	e.Hint = hintFor(p.Known().Kind, e.Code, e.Description, e.Status)
	return e
}

// retrieveError reads an OAuth error response (RFC 6749 §5.2). The
// provider's words are kept, cleaned; a non-JSON body leaves Code empty.
func retrieveError(resp *http.Response, body []byte) *ProviderError {
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
		URI         string `json:"error_uri"`
	}
	_ = json.Unmarshal(body, &e)
	pe := &ProviderError{
		Code: cleanProviderText(e.Error), Description: cleanProviderText(e.Description),
		URI: cleanProviderText(e.URI), Status: resp.StatusCode,
	}
	pe.retrieve = &oauth2.RetrieveError{Response: resp, Body: body, ErrorCode: pe.Code, ErrorDescription: pe.Description, ErrorURI: pe.URI}
	pe.Hint = hintFor(KindGeneric, pe.Code, pe.Description, pe.Status)
	return pe
}
