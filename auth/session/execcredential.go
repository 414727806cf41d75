package session

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// kubectl's exec credential plugin protocol (client.authentication.k8s.io/v1).
//
// The token is the ID token unless --access or --resource asks for an access
// token: the API server's OIDC authenticator checks an ID token's exp, so it
// is the ID token that must be fresh, and a refresh is forced when it is
// within --min-ttl of expiry even if the access token is not.

const (
	ExecAPIVersion = "client.authentication.k8s.io/v1"
	// maxExecInfo bounds the KUBERNETES_EXEC_INFO kubectl sets.
	maxExecInfo = 64 << 10
)

// ExecCredential is what kubectl reads from an exec plugin.
type ExecCredential struct {
	Kind       string               `json:"kind"`
	APIVersion string               `json:"apiVersion"`
	Spec       ExecCredentialSpec   `json:"spec"`
	Status     ExecCredentialStatus `json:"status"`
}

type ExecCredentialSpec struct {
	Interactive bool `json:"interactive"`
}

type ExecCredentialStatus struct {
	ExpirationTimestamp string `json:"expirationTimestamp,omitempty"`
	Token               string `json:"token"`
}

// ExecInteractive reads KUBERNETES_EXEC_INFO: whether kubectl lets the
// plugin talk to the user. Unset (latch run by hand) means yes; anything
// unreadable means no, so that a browser never opens where nobody waits.
func ExecInteractive(info string) bool {
	if info == "" {
		return true
	}
	if len(info) > maxExecInfo {
		return false
	}
	var ec struct {
		Spec struct {
			Interactive bool `json:"interactive"`
		} `json:"spec"`
	}
	if err := json.Unmarshal([]byte(info), &ec); err != nil {
		return false
	}
	return ec.Spec.Interactive
}

// NewExecCredential is the credential kubectl gets: the token and, when
// known, its expiry.
func NewExecCredential(token string, exp time.Time, interactive bool) ExecCredential {
	c := ExecCredential{Kind: "ExecCredential", APIVersion: ExecAPIVersion,
		Spec: ExecCredentialSpec{Interactive: interactive}, Status: ExecCredentialStatus{Token: token}}
	if !exp.IsZero() {
		c.Status.ExpirationTimestamp = exp.UTC().Format(time.RFC3339)
	}
	return c
}

// KubeToken is the token kubectl sends: the ID token, fresh for MinTTL
// (the API server's OIDC authenticator checks it), or with access the
// access token for the options' audience.
func (e *Engine) KubeToken(ctx context.Context, sel Selector, o TokenOptions, access bool) (string, time.Time, error) {
	o.IDToken = !access
	t, err := e.Token(ctx, sel, o)
	if err != nil {
		return "", time.Time{}, err
	}
	if access {
		return t.Access.AccessToken, t.Access.Expiry, nil
	}
	if t.IDToken == "" || !t.IDTokenExpiry.After(e.now()) {
		return "", time.Time{}, fmt.Errorf("%w: the ID token has expired and the provider sent no new one on refresh", ErrSignInRequired)
	}
	return t.IDToken, t.IDTokenExpiry, nil
}
