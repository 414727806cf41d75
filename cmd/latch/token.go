package main

import (
	"context"
	"fmt"
	"time"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/tokencache"
	"github.com/spf13/cobra"
)

type tokenFlags struct {
	idToken  bool
	resource string
	org      string
	minTTL   time.Duration
	refresh  bool
	access   bool
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
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.idToken, "id-token", false, "print the ID token instead")
	fl.StringVar(&f.resource, "resource", "", "API resource the access token is for (default: the profile's first resource)")
	fl.StringVar(&f.org, "org", "", "organization the access token is for")
	fl.DurationVar(&f.minTTL, "min-ttl", time.Minute, "refresh when the token expires sooner than this")
	fl.BoolVar(&f.refresh, "force-refresh", false, "refresh even if the cached token is still valid")
	fl.BoolVar(&f.access, "access", false, "with -o exec-credential: the access token instead of the ID token")
	return cmd
}

func (a *app) token(ctx context.Context, f tokenFlags) error {
	s, err := a.signedIn()
	if err != nil {
		return err
	}
	req := tokencache.TokenRequest{Entry: s.entry, Audience: s.p.audience(f.resource, f.org), MinTTL: f.minTTL, ForceRefresh: f.refresh}
	if f.idToken && s.entry.IDTokenExpiry.Before(time.Now().Add(f.minTTL)) {
		// A refresh brings a new ID token along with the access token.
		req.ForceRefresh = true
	}
	at, rec, err := s.cache.Token(ctx, req, refresher(s.p))
	if err != nil {
		return err
	}
	if f.idToken {
		return a.printSecret(rec.IDToken, rec, nil)
	}
	return a.printSecret(at.AccessToken, rec, at)
}

func (a *app) printSecret(tok string, rec *tokencache.Record, at *tokencache.AccessToken) error {
	if !a.json() {
		_, err := fmt.Fprintln(a.stdout, tok)
		return err
	}
	out := map[string]any{"token": tok, "tenant": rec.Tenant, "sub": rec.Subject, "key": rec.Key}
	if at != nil {
		out["token_type"], out["scope"], out["audience"] = at.TokenType, at.Scope, at.Audience
		if !at.Expiry.IsZero() {
			out["expiry"] = at.Expiry
		}
	}
	return writeJSON(a.stdout, out)
}

// refresher refreshes at the record's own tenant (for a multi-tenant profile,
// the tenant that issued the tokens, not /common), discovering it from the
// disk cache.
func refresher(p *Profile) tokencache.RefreshFunc {
	return func(ctx context.Context, r *tokencache.Record, aud auth.Audience) (*auth.Tokens, error) {
		prov, err := tenantProvider(ctx, p, r)
		if err != nil {
			return nil, err
		}
		t, err := prov.Refresh(ctx, auth.TokenRequest{RefreshToken: r.RefreshToken, Audience: aud})
		if err != nil {
			return nil, err
		}
		if t.IDToken != "" {
			id, err := prov.VerifyIDToken(ctx, t.IDToken, auth.VerifyOptions{})
			if err != nil {
				return nil, fmt.Errorf("refreshed ID token: %w", err)
			}
			if id.Subject != r.Subject {
				return nil, fmt.Errorf("refreshed ID token is for another account (%s, not %s)", id.Subject, r.Subject)
			}
		}
		return t, nil
	}
}

func tenantProvider(ctx context.Context, p *Profile, r *tokencache.Record) (*auth.Provider, error) {
	cfg, err := authConfig(p, r.Tenant)
	if err != nil {
		return nil, err
	}
	cfg.ClientID = r.ClientID
	return auth.Discover(ctx, cfg)
}
