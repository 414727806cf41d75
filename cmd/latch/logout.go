package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/tokencache"
	"github.com/spf13/cobra"
)

func (a *app) logoutCommand() *cobra.Command {
	var all, endSession bool
	cmd := &cobra.Command{
		Use:     "logout",
		Short:   "Revoke the refresh token, optionally end the browser session, and delete the tokens",
		Example: "  latch logout --tenant acme\n  latch logout --tenant acme --end-session\n  latch logout --all",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.logout(cmd.Context(), all, endSession)
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "sign out of every tenant and account")
	cmd.Flags().BoolVar(&endSession, "end-session", false, "also open the provider's end-session page to sign the browser out")
	return cmd
}

func (a *app) logout(ctx context.Context, all, endSession bool) error {
	var p *Profile
	if !all {
		var err error
		if p, err = a.profile(); err != nil {
			return err
		}
	}
	cache, err := a.cache(p)
	if err != nil {
		return err
	}
	idx, err := cache.Index()
	if err != nil {
		return err
	}
	var entries []*tokencache.Entry
	if all {
		entries = idx.Sorted()
	} else {
		e, err := idx.Resolve(p.Name, a.flags.account)
		if err != nil {
			return err
		}
		entries = append(entries, e)
	}
	if len(entries) == 0 {
		fmt.Fprintln(a.stderr, "Not signed in anywhere.")
		return nil
	}
	cfg, _, err := loadConfig()
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		prof := p
		if prof == nil {
			prof = cfg.Tenants[e.Profile]
			if prof == nil {
				prof = &Profile{Name: e.Profile, Issuer: e.Tenant, ClientID: e.ClientID}
			}
		}
		errs = append(errs, signOut(ctx, cache, prof, e, endSession, a.stderr))
	}
	return errors.Join(errs...)
}

// signOut revokes the refresh token, optionally opens the end-session page,
// and deletes the record. Progress for people goes to say.
func signOut(ctx context.Context, cache *tokencache.Cache, p *Profile, e *tokencache.Entry, endSession bool, say io.Writer) error {
	rec, err := cache.Load(ctx, e.Key)
	if err == nil && rec.RefreshToken != "" {
		prov, derr := tenantProvider(ctx, p, rec)
		switch {
		case derr != nil:
			fmt.Fprintf(say, "! Could not reach %s to revoke the session (%v); deleting it here only.\n", e.Tenant, derr)
		default:
			if rerr := prov.Revoke(ctx, rec.RefreshToken); errors.Is(rerr, auth.ErrNoRevocation) {
				fmt.Fprintf(say, "! %s has no revocation endpoint; the grant stays alive there until it expires.\n", e.Tenant)
			} else if rerr != nil {
				fmt.Fprintf(say, "! Revocation failed (%v); deleting the session here anyway.\n", rerr)
			} else {
				fmt.Fprintf(say, "✓ Revoked the refresh token at %s\n", e.Tenant)
			}
			if endSession {
				if u := prov.EndSessionURL(); u != "" {
					if auth.OpenBrowser(u) != nil {
						fmt.Fprintf(say, "Open this URL to end the browser session:\n  %s\n", u)
					}
				}
			}
		}
	}
	if err := cache.Delete(ctx, e.Key); err != nil {
		return err
	}
	fmt.Fprintf(say, "✓ Signed out %s from %s\n", e.Account, e.Tenant)
	return nil
}
