package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/auth/session"
	"github.com/spf13/cobra"
)

func (a *app) statusCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Every signed-in tenant: who, expiry, scopes, refreshable, store (exit 2 when none)",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return a.status(cmd.Context()) },
	}
}

// errNotSignedIn: status found no session anywhere (exit 2, as gh auth
// status does).
var errNotSignedIn = fmt.Errorf("%w: not signed in anywhere", session.ErrSignInRequired)

// notSignedIn is errNotSignedIn with a hint that works as printed: the
// login of the default tenant, of the first one, or how to add one.
func notSignedIn(e *session.Engine) error {
	cfg, err := e.LoadConfig()
	switch {
	case err != nil || len(cfg.Tenants) == 0:
		return hinted{errNotSignedIn, "add a tenant first: latch tenant add NAME --issuer URL --client-id ID"}
	case cfg.DefaultName() != "":
		return hinted{errNotSignedIn, "sign in with: latch login"}
	}
	return hinted{errNotSignedIn, "sign in with: latch login --tenant " + shellQuote(cfg.Names()[0]) + " (latch tenant ls lists the others)"}
}

// scopesText is the scopes, marked when they are the ones asked for
// because the provider named none.
func scopesText(scopes []string, requested bool) string {
	s := strings.Join(scopes, " ")
	if requested && s != "" {
		s += " (as requested; the provider named none)"
	}
	return s
}

func (a *app) status(ctx context.Context) error {
	e, err := a.engine()
	if err != nil {
		return err
	}
	rows, err := e.Status(ctx)
	if err != nil {
		return err
	}
	if a.json() {
		if err := writeJSON(a.stdout, rows); err != nil || len(rows) > 0 {
			return err
		}
		return notSignedIn(e)
	}
	if len(rows) == 0 {
		return notSignedIn(e)
	}
	now := time.Now()
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tACCOUNT\tTENANT\tEXPIRES\tSCOPES\tSTATE\tSTORE")
	for _, r := range rows {
		mark, name := " ", cell(r.Profile)
		if r.Current {
			mark = "*"
		}
		if r.Default {
			name += " (default)"
		}
		exp := "—"
		if !r.Expires.IsZero() {
			exp = auth.Relative(r.Expires, now)
			if r.Expires.Before(now) {
				exp = "expired " + exp
			}
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\t%s\t%s\t%s\n", mark, name, cell(r.Account), cell(r.Tenant), exp,
			cell(scopesText(r.Scopes, r.ScopesRequested)), r.State, cell(r.Store))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(a.stderr, "* the account a profile uses when --account is not given; latch tenant use NAME sets the default tenant")
	return nil
}
