package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/latchdev/latch/auth"
	"github.com/spf13/cobra"
)

func (a *app) orgsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "orgs",
		Short: "The Logto organizations in the ID token, with the user's roles in each",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return a.orgs(cmd.Context()) },
	}
}

func (a *app) orgs(ctx context.Context) error {
	s, err := a.signedIn()
	if err != nil {
		return err
	}
	rec, prov, err := s.load(ctx)
	if err != nil {
		return err
	}
	id, err := prov.VerifyIDToken(ctx, rec.IDToken, auth.VerifyOptions{SkipExpiry: true})
	if err != nil {
		return fmt.Errorf("the ID token does not verify: %w", err)
	}
	rows := id.Organizations()
	if a.json() {
		return writeJSON(a.stdout, rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(a.stderr, "No organizations in the ID token: sign in with the scope urn:logto:scope:organizations (latch login --org ID adds it).")
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ORGANIZATION\tROLES")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\n", r.ID, strings.Join(r.Roles, ", "))
	}
	return tw.Flush()
}
