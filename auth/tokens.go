package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
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
}

// Audience says which access token is wanted: Logto API resource (RFC 8707),
// organization, and scopes. The zero value is the default (userinfo) token.
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

// Refresh redeems a refresh token at the token endpoint. x/oauth2 cannot add
// resource or organization_id to a refresh, so the request is built here;
// its errors are still *oauth2.RetrieveError (invalid_grant: sign in again).
// The returned tokens have no ID token when the provider sent none: the
// caller keeps the previous one.
func (p *Provider) Refresh(ctx context.Context, r TokenRequest) (*Tokens, error) {
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {r.RefreshToken},
		"client_id":     {p.Config.ClientID},
	}
	if r.Audience.Resource != "" {
		form.Set("resource", r.Audience.Resource)
	}
	if r.Audience.Organization != "" {
		form.Set("organization_id", r.Audience.Organization)
	}
	if len(r.Audience.Scopes) > 0 {
		form.Set("scope", strings.Join(r.Audience.Scopes, " "))
	}
	return p.tokenRequest(ctx, form)
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
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", what, err)
	}
	return resp, body, nil
}

func (p *Provider) tokenRequest(ctx context.Context, form url.Values) (*Tokens, error) {
	resp, body, err := p.postForm(ctx, "token endpoint", p.Metadata.TokenEndpoint, form)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, retrieveError(resp, body)
	}
	var tr struct {
		AccessToken  string `json:"access_token"`
		TokenType    string `json:"token_type"`
		RefreshToken string `json:"refresh_token"`
		IDToken      string `json:"id_token"`
		Scope        string `json:"scope"`
		ExpiresIn    int64  `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &tr); err != nil {
		return nil, fmt.Errorf("token endpoint answered something that is not JSON: %w", err)
	}
	if tr.AccessToken == "" {
		return nil, fmt.Errorf("token endpoint answered without an access token")
	}
	t := &Tokens{AccessToken: tr.AccessToken, TokenType: tr.TokenType, RefreshToken: tr.RefreshToken, IDToken: tr.IDToken, Scope: tr.Scope}
	if tr.ExpiresIn > 0 {
		t.Expiry = p.Config.now().Add(time.Duration(tr.ExpiresIn) * time.Second)
	}
	return t, nil
}

func fromOAuth2(t *oauth2.Token) *Tokens {
	out := &Tokens{AccessToken: t.AccessToken, TokenType: t.TokenType, RefreshToken: t.RefreshToken, Expiry: t.Expiry}
	out.IDToken, _ = t.Extra("id_token").(string)
	out.Scope, _ = t.Extra("scope").(string)
	return out
}

// retrieveError is an OAuth error response as x/oauth2 reports it, so that
// callers test one type whichever request failed.
func retrieveError(resp *http.Response, body []byte) *oauth2.RetrieveError {
	re := &oauth2.RetrieveError{Response: resp, Body: body}
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
		URI         string `json:"error_uri"`
	}
	if json.Unmarshal(body, &e) == nil {
		re.ErrorCode, re.ErrorDescription, re.ErrorURI = e.Error, e.Description, e.URI
	}
	return re
}
