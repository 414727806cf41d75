package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/auth/session"
	"github.com/spf13/cobra"
)

func (a *app) claimsCommand() *cobra.Command {
	var o session.ClaimsOptions
	cmd := &cobra.Command{
		Use:   "claims",
		Short: "Show the verified claims of the ID token (or --access token, or --userinfo)",
		Example: "  latch claims --tenant acme\n  latch claims --tenant acme --access --resource https://api.acme.dev -o json\n" +
			"  latch claims --tenant acme --userinfo",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.claims(cmd.Context(), o) },
	}
	cmd.Flags().BoolVar(&o.Access, "access", false, "show the access token's claims (when it is a JWT)")
	cmd.Flags().BoolVar(&o.Userinfo, "userinfo", false, "show what the provider's userinfo endpoint says")
	cmd.Flags().StringVar(&o.Resource, "resource", "", "with --access: the API resource's token")
	cmd.Flags().StringVar(&o.Org, "org", "", "with --access: the organization's token")
	return cmd
}

func (a *app) claims(ctx context.Context, o session.ClaimsOptions) error {
	if !o.Access && !o.Userinfo {
		o.ID = true
	}
	e, err := a.engine()
	if err != nil {
		return err
	}
	c, err := e.Claims(ctx, a.sel, o)
	if err != nil {
		return err
	}
	switch {
	case o.Userinfo:
		if c.UserinfoErr != nil {
			return fmt.Errorf("userinfo: %w", c.UserinfoErr)
		}
		if a.json() {
			return writeJSON(a.stdout, map[string]any{"token": "userinfo", "tenant": c.Tenant, "claims": c.Userinfo})
		}
		fmt.Fprintf(a.stdout, "userinfo of %s (what the provider's userinfo endpoint answered; not a signed token)\n", safeText(c.Tenant))
		return a.claimTable(c.Userinfo)
	case o.Access:
		if c.Access.Opaque {
			msg := "the access token is opaque (not a JWT): only the provider can read it"
			if c.Access.OpaqueHint != "" {
				msg += "; " + c.Access.OpaqueHint
			}
			return errors.New(msg)
		}
		return a.printClaims("access token", c.Access)
	}
	return a.printClaims("ID token", c.ID)
}

func (a *app) printClaims(kind string, t session.TokenClaims) error {
	if t.Err != nil {
		return fmt.Errorf("the %s does not verify: %w", kind, t.Err)
	}
	id := t.Identity
	expired := id.Expiry.Before(time.Now())
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
	fmt.Fprintf(a.stdout, "%s claims (%s: %s kid %s, issuer %s)\n", kind, badge, safeText(id.Algorithm), safeText(id.KeyID), safeText(id.Issuer))
	return a.claimTable(id.Claims)
}

// claimTable prints claim, value and meaning, one claim a line, every
// value made terminal-safe.
func (a *app) claimTable(claims map[string]any) error {
	return claimTable(a.stdout, claims, time.Now())
}

func claimTable(w io.Writer, claims map[string]any, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	names := make([]string, 0, len(claims))
	for n := range claims {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", cell(n), cell(auth.ClaimValue(n, claims[n], now)), cell(claimMeaning(n)))
	}
	return tw.Flush()
}

// cell is text from outside made safe for one tabwriter cell.
func cell(s string) string {
	s = safeText(s)
	if r := []rune(s); len(r) > 200 {
		s = string(r[:199]) + "…"
	}
	return s
}

// claimMeaning says what a claim means, for the table's last column.
func claimMeaning(name string) string { return auth.ClaimMeaning(name) }
