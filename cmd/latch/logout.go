package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/auth/session"
	"github.com/spf13/cobra"
)

func (a *app) logoutCommand() *cobra.Command {
	var o session.SignOutOptions
	cmd := &cobra.Command{
		Use:     "logout",
		Short:   "Revoke the refresh token, optionally end the browser session, and delete the tokens",
		Example: "  latch logout --tenant acme\n  latch logout --tenant acme --end-session\n  latch logout --all",
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return a.logout(cmd.Context(), o) },
	}
	cmd.Flags().BoolVar(&o.All, "all", false, "sign out of every tenant and account")
	cmd.Flags().BoolVar(&o.EndSession, "end-session", false, "also open the provider's end-session page to sign the browser out")
	return cmd
}

func (a *app) logout(ctx context.Context, o session.SignOutOptions) error {
	e, err := a.engine()
	if err != nil {
		return err
	}
	out, err := e.SignOut(ctx, a.sel, o)
	if len(out) == 0 && err == nil {
		fmt.Fprintln(a.stderr, "Not signed in anywhere.")
		return nil
	}
	a.printSignedOut(out)
	return err
}

// printSignedOut tells what happened to each session signed out.
func (a *app) printSignedOut(out []session.SignedOut) {
	w := a.stderr
	for _, s := range out {
		tenant := safeText(s.Tenant)
		switch {
		case s.Revoked:
			fmt.Fprintf(w, "✓ Revoked the refresh token at %s\n", tenant)
		case errors.Is(s.RevokeErr, auth.ErrNoRevocation):
			fmt.Fprintf(w, "! %s has no revocation endpoint; the grant stays alive there until it expires.\n", tenant)
		case s.RevokeErr != nil:
			fmt.Fprintf(w, "! Revocation failed (%s); deleted the session here anyway.\n", safeText(s.RevokeErr.Error()))
		}
		switch {
		case errors.Is(s.EndSessionErr, auth.ErrNoEndSession):
			fmt.Fprintf(w, "! %s has no end-session endpoint: the browser stays signed in there; sign out on the provider's own pages.\n", tenant)
		case s.EndSessionErr != nil:
			fmt.Fprintf(w, "! Could not end the browser session: %s\n", safeText(s.EndSessionErr.Error()))
		case s.EndSession:
			fmt.Fprintln(w, "✓ Sent the browser to the provider's end-session page (with id_token_hint; it was never in a command line)")
		}
		fmt.Fprintf(w, "✓ Signed out %s from %s\n", safeText(s.Account), tenant)
	}
}
