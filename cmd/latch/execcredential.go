package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/auth/session"
	"github.com/latchdev/latch/tokencache"
)

// kubectl's exec credential plugin protocol (client.authentication.k8s.io/v1).
//
// The token is the ID token unless --access or --resource asks for an access
// token: the API server's OIDC authenticator checks an ID token's exp, so it
// is the ID token that must be fresh, and a refresh is forced when it is
// within --min-ttl of expiry even if the access token is not.

const (
	execCredentialOutput = "exec-credential"
	execAPIVersion       = "client.authentication.k8s.io/v1"
	// maxExecInfo bounds the KUBERNETES_EXEC_INFO kubectl sets.
	maxExecInfo = 64 << 10
)

type execCredential struct {
	Kind       string               `json:"kind"`
	APIVersion string               `json:"apiVersion"`
	Spec       execCredentialSpec   `json:"spec"`
	Status     execCredentialStatus `json:"status"`
}

type execCredentialSpec struct {
	Interactive bool `json:"interactive"`
}

type execCredentialStatus struct {
	ExpirationTimestamp string `json:"expirationTimestamp,omitempty"`
	Token               string `json:"token"`
}

// execInteractive reads KUBERNETES_EXEC_INFO: whether kubectl lets the
// plugin talk to the user. Unset (latch run by hand) means yes; anything
// unreadable means no, so that a browser never opens where nobody waits.
func execInteractive(info string) bool {
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

func (a *app) execCredential(ctx context.Context, f tokenFlags) error {
	interactive := execInteractive(os.Getenv("KUBERNETES_EXEC_INFO"))
	tok, exp, err := a.kubeToken(ctx, f)
	if errors.Is(err, tokencache.ErrSignInRequired) {
		if !interactive {
			// The sentence is the advice: no second hint line.
			return hinted{fmt.Errorf("%w: kubectl cannot sign you in from here, run %s in a terminal and try again", tokencache.ErrSignInRequired, a.loginCommandLine()), ""}
		}
		if err = a.login(ctx, session.SignInOptions{Timeout: auth.DefaultTimeout}); err != nil {
			return err
		}
		tok, exp, err = a.kubeToken(ctx, f)
	}
	if err != nil {
		return err
	}
	out := execCredential{
		Kind: "ExecCredential", APIVersion: execAPIVersion,
		Spec:   execCredentialSpec{Interactive: interactive},
		Status: execCredentialStatus{Token: tok},
	}
	if !exp.IsZero() {
		out.Status.ExpirationTimestamp = exp.UTC().Format(time.RFC3339)
	}
	return json.NewEncoder(a.stdout).Encode(out)
}

// kubeToken is the token kubectl sends: the ID token, fresh for min-ttl,
// or the access token with --access or --resource.
func (a *app) kubeToken(ctx context.Context, f tokenFlags) (string, time.Time, error) {
	e, err := a.engine()
	if err != nil {
		return "", time.Time{}, err
	}
	access := f.access || f.Resource != ""
	o := f.TokenOptions
	o.IDToken = !access
	t, err := e.Token(ctx, a.sel, o)
	if err != nil {
		return "", time.Time{}, err
	}
	if access {
		return t.Access.AccessToken, t.Access.Expiry, nil
	}
	if t.IDToken == "" || !t.IDTokenExpiry.After(time.Now()) {
		return "", time.Time{}, fmt.Errorf("%w: the ID token has expired and the provider sent no new one on refresh", tokencache.ErrSignInRequired)
	}
	return t.IDToken, t.IDTokenExpiry, nil
}

// idTokenExpiry reads exp from a stored ID token (verified when stored).
func idTokenExpiry(raw string) time.Time {
	_, claims, err := auth.UnverifiedClaims(raw)
	if err != nil {
		return time.Time{}
	}
	if exp, ok := claims["exp"].(float64); ok {
		return time.Unix(int64(exp), 0)
	}
	return time.Time{}
}

// profileArgs are the flags that name the current profile, to repeat in a
// command latch prints or writes for later.
// login takes no --account: it signs in whoever the browser says.
func (a *app) profileArgs(withAccount bool) []string {
	flags := []struct{ name, value string }{
		{"--tenant", a.sel.Tenant}, {"--issuer", a.sel.Issuer}, {"--client-id", a.sel.ClientID},
	}
	if withAccount {
		flags = append(flags, struct{ name, value string }{"--account", a.sel.Account})
	}
	var args []string
	for _, f := range flags {
		if f.value != "" {
			args = append(args, f.name, f.value)
		}
	}
	return args
}
