package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

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
	e, err := a.engine()
	if err != nil {
		return err
	}
	rows, err := e.Orgs(ctx, a.sel)
	if err != nil {
		return err
	}
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
		fmt.Fprintf(tw, "%s\t%s\n", cell(r.ID), cell(strings.Join(r.Roles, ", ")))
	}
	return tw.Flush()
}
