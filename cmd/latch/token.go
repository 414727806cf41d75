package main

import (
	"context"
	"fmt"
	"time"

	"github.com/latchdev/latch/auth/session"
	"github.com/spf13/cobra"
)

type tokenFlags struct {
	session.TokenOptions
	// access: with -o exec-credential, the access token, not the ID token.
	access bool
}

func (a *app) tokenCommand() *cobra.Command {
	var f tokenFlags
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Print a valid access token, refreshing silently (exit 2: sign-in required)",
		Example: `  curl -H "Authorization: Bearer $(latch token --tenant acme)" https://api.acme.dev
  latch token --tenant acme --resource https://api.acme.dev
  latch token --tenant acme --id-token
  latch token --tenant acme -o exec-credential   # for kubectl, see latch kubeconfig`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if a.output == execCredentialOutput {
				return a.execCredential(cmd.Context(), f)
			}
			return a.token(cmd.Context(), f)
		},
		Annotations: map[string]string{"outputs": "text,json," + execCredentialOutput},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.IDToken, "id-token", false, "print the ID token instead")
	fl.StringVar(&f.Resource, "resource", "", "API resource the access token is for (default: the profile's first resource)")
	fl.StringVar(&f.Org, "org", "", "organization the access token is for")
	fl.DurationVar(&f.MinTTL, "min-ttl", time.Minute, "refresh when the token expires sooner than this")
	fl.BoolVar(&f.ForceRefresh, "force-refresh", false, "refresh even if the cached token is still valid")
	fl.BoolVar(&f.access, "access", false, "with -o exec-credential: the access token instead of the ID token")
	return cmd
}

func (a *app) token(ctx context.Context, f tokenFlags) error {
	e, err := a.engine()
	if err != nil {
		return err
	}
	t, err := e.Token(ctx, a.sel, f.TokenOptions)
	if err != nil {
		return err
	}
	tok := t.Access.AccessToken
	if f.IDToken {
		tok = t.IDToken
	}
	if !validTokenText(tok) {
		return fmt.Errorf("the stored token is not a valid token string (it holds characters no token may have): refusing to print it")
	}
	if !a.json() {
		_, err := fmt.Fprintln(a.stdout, tok)
		return err
	}
	out := map[string]any{"token": tok, "tenant": t.Record.Tenant, "sub": t.Record.Subject, "key": t.Record.Key}
	if !f.IDToken {
		at := t.Access
		out["token_type"], out["scope"], out["audience"] = at.TokenType, at.Scope, at.Audience
		if !at.Expiry.IsZero() {
			out["expiry"] = at.Expiry
		}
	} else if !t.IDTokenExpiry.IsZero() {
		out["expiry"] = t.IDTokenExpiry
	}
	return writeJSON(a.stdout, out)
}

// validTokenText accepts what a bearer token may be (RFC 6750 b64token:
// ALPHA DIGIT - . _ ~ + / then = padding), which every JWT and opaque token
// of a real provider is; anything else could be a terminal escape.
func validTokenText(s string) bool {
	if s == "" || len(s) > 64<<10 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return true
}
