package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/tui"
	"github.com/spf13/cobra"
)

func (a *app) claimsCommand() *cobra.Command {
	var access bool
	var resource string
	cmd := &cobra.Command{
		Use:     "claims",
		Short:   "Show the verified claims of the ID token (or --access token)",
		Example: "  latch claims --tenant acme\n  latch claims --tenant acme --access --resource https://api.acme.dev -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.claims(cmd.Context(), access, resource)
		},
	}
	cmd.Flags().BoolVar(&access, "access", false, "show the access token's claims (when it is a JWT)")
	cmd.Flags().StringVar(&resource, "resource", "", "with --access: the API resource's token")
	return cmd
}

func (a *app) claims(ctx context.Context, access bool, resource string) error {
	s, err := a.signedIn()
	if err != nil {
		return err
	}
	aud := s.p.audience(resource, "")
	rec, prov, err := s.load(ctx)
	if err != nil {
		return err
	}
	var id *auth.Identity
	kind := "ID token"
	if access {
		kind = "access token"
		at := rec.Find(aud)
		switch {
		case at == nil:
			return fmt.Errorf("no access token for that audience in this session: run latch token first")
		case !auth.IsJWT(at.AccessToken):
			return errors.New("the access token is opaque (not a JWT): ask for one with --resource")
		}
		id, err = prov.VerifyAccessToken(ctx, at.AccessToken, aud.Resource)
	} else {
		id, err = prov.VerifyIDToken(ctx, rec.IDToken, auth.VerifyOptions{SkipExpiry: true})
	}
	if err != nil {
		return fmt.Errorf("the %s does not verify: %w", kind, err)
	}
	now := time.Now()
	expired := id.Expiry.Before(now)
	if a.json() {
		return writeJSON(a.stdout, map[string]any{
			"token": kind, "verified": true, "expired": expired, "alg": id.Algorithm, "kid": id.KeyID,
			"issuer": id.Issuer, "claims": id.Claims,
		})
	}
	badge := "verified"
	if expired {
		badge = "verified, expired"
	}
	fmt.Fprintf(a.stdout, "%s claims (%s: %s kid %s, issuer %s)\n", kind, badge, id.Algorithm, id.KeyID, id.Issuer)
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	names := make([]string, 0, len(id.Claims))
	for n := range id.Claims {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", n, tui.ClaimValue(n, id.Claims[n], now), tui.ClaimMeaning(n))
	}
	return tw.Flush()
}
