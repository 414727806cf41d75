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

// Device flow steps. StepDeviceCode tells the user where to go and which
// code to enter; StepDeviceApproved says the code was approved (the poll
// got tokens); StepTokensIssued follows with the token endpoint as Detail.
const (
	StepDeviceCode     StepKind = 100
	StepDeviceApproved StepKind = 101
	StepTokensIssued   StepKind = 102
)

// DeviceOptions shape a device-authorization sign-in (RFC 8628), for
// machines where no browser can reach a loopback listener.
type DeviceOptions struct {
	Scopes    []string
	Resources []string
	// OpenBrowser, when set, opens the verification URL (errors ignored).
	OpenBrowser func(url string) error
	Progress    func(Step)
}

type deviceAuth struct {
	DeviceCode              string `json:"device_code"`
	UserCode                string `json:"user_code"`
	VerificationURI         string `json:"verification_uri"`
	VerificationURIComplete string `json:"verification_uri_complete"`
	ExpiresIn               int    `json:"expires_in"`
	Interval                int    `json:"interval"`
}

// DeviceLogin runs the device authorization grant: it shows a code, polls
// the token endpoint at the interval the provider asks for, and verifies
// the ID token. There is no nonce in this flow; the ID token's audience,
// issuer, signature and expiry are still checked.
func (p *Provider) DeviceLogin(ctx context.Context, o DeviceOptions) (*Result, error) {
	if p.Metadata.DeviceAuthorizationEndpoint == "" {
		return nil, errors.New("the provider has no device authorization endpoint: sign in with the browser flow instead")
	}
	progress := o.Progress
	if progress == nil {
		progress = func(Step) {}
	}
	progress(Step{Kind: StepDiscovery, Detail: p.Metadata.Issuer})
	scopes := o.Scopes
	if len(scopes) == 0 {
		scopes = DefaultScopes
	}
	form := url.Values{"client_id": {p.Config.ClientID}, "scope": {strings.Join(scopes, " ")}}
	if p.audienceParam() == AudienceParamResource {
		for _, r := range o.Resources {
			form.Add("resource", r)
		}
	} else if len(o.Resources) > 0 {
		form.Set(p.audienceParam(), o.Resources[0])
	}
	da, err := p.startDevice(ctx, form)
	if err != nil {
		return nil, err
	}
	verify := da.VerificationURIComplete
	if verify == "" {
		verify = da.VerificationURI
	}
	deadline := p.Config.now().Add(time.Duration(max(da.ExpiresIn, 60)) * time.Second)
	progress(Step{Kind: StepDeviceCode, URL: verify, Detail: da.UserCode, Deadline: deadline})
	if o.OpenBrowser != nil && CheckBrowserURL(verify) == nil {
		o.OpenBrowser(verify)
	}
	aud := Audience{}
	if len(o.Resources) > 0 {
		aud.Resource = o.Resources[0]
	}
	tokens, err := p.pollDevice(ctx, da, aud, deadline)
	if err != nil {
		return nil, err
	}
	progress(Step{Kind: StepDeviceApproved, Detail: "Device code approved"})
	progress(Step{Kind: StepTokensIssued, Detail: p.Metadata.TokenEndpoint})
	if tokens.IDToken == "" {
		return nil, errors.New("the provider sent no ID token: include the openid scope")
	}
	id, err := p.VerifyIDToken(ctx, tokens.IDToken, VerifyOptions{})
	if err != nil {
		return nil, err
	}
	progress(Step{Kind: StepVerified, Identity: id, Detail: fmt.Sprintf("%s kid %s", id.Algorithm, id.KeyID)})
	return &Result{Tokens: tokens, Identity: id, Audience: aud}, nil
}

func (p *Provider) startDevice(ctx context.Context, form url.Values) (*deviceAuth, error) {
	resp, body, err := p.postForm(ctx, "device authorization", p.Metadata.DeviceAuthorizationEndpoint, form)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, retrieveError(resp, body)
	}
	var da deviceAuth
	if err := json.Unmarshal(body, &da); err != nil || da.DeviceCode == "" || da.VerificationURI == "" {
		return nil, errors.New("device authorization answered without a device code or verification URI")
	}
	return &da, nil
}

func (p *Provider) pollDevice(ctx context.Context, da *deviceAuth, aud Audience, deadline time.Time) (*Tokens, error) {
	interval := time.Duration(max(da.Interval, 1)) * time.Second
	if da.Interval == 0 {
		interval = 5 * time.Second
	}
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {da.DeviceCode}, "client_id": {p.Config.ClientID}}
	if aud.Resource != "" {
		form.Set(p.audienceParam(), aud.Resource)
	}
	t := time.NewTimer(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, cancelledError{ctx.Err()}
		case <-t.C:
		}
		if p.Config.now().After(deadline) {
			return nil, errors.New("the device code expired before the sign-in was approved: start the device sign-in again")
		}
		tokens, err := p.tokenRequest(ctx, form)
		var re *oauth2.RetrieveError
		switch {
		case err == nil:
			return tokens, nil
		case errors.As(err, &re) && re.ErrorCode == "authorization_pending":
		case errors.As(err, &re) && re.ErrorCode == "slow_down":
			interval += 5 * time.Second
		default:
			return nil, err
		}
		t.Reset(interval)
	}
}
