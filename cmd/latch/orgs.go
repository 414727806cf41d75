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

type orgRow struct {
	ID    string   `json:"id"`
	Roles []string `json:"roles"`
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
	rows := orgsOf(id.Claims)
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

// orgsOf reads Logto's organizations claim and organization_roles
// ("org-id:role") into one row per organization.
func orgsOf(claims map[string]any) []orgRow {
	rows := []orgRow{}
	index := map[string]int{}
	for _, o := range stringList(claims["organizations"]) {
		index[o] = len(rows)
		rows = append(rows, orgRow{ID: o, Roles: []string{}})
	}
	for _, or := range stringList(claims["organization_roles"]) {
		org, role, ok := strings.Cut(or, ":")
		if !ok {
			continue
		}
		i, known := index[org]
		if !known {
			index[org], i = len(rows), len(rows)
			rows = append(rows, orgRow{ID: org, Roles: []string{}})
		}
		rows[i].Roles = append(rows[i].Roles, role)
	}
	return rows
}

func stringList(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
