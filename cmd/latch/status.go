package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/latchdev/latch/tokencache"
	"github.com/latchdev/latch/tui"
	"github.com/spf13/cobra"
)

func (a *app) statusCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Every signed-in tenant: who, expiry, scopes, refreshable, store",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return a.status(cmd.Context()) },
	}
}

type statusRow struct {
	Profile     string    `json:"profile"`
	Current     bool      `json:"current"`
	Tenant      string    `json:"tenant"`
	Alias       string    `json:"alias,omitempty"`
	Account     string    `json:"account"`
	Subject     string    `json:"sub"`
	Expires     time.Time `json:"expires,omitzero"`
	Scopes      []string  `json:"scopes"`
	Audiences   []string  `json:"audiences"`
	Refreshable bool      `json:"refreshable"`
	Store       string    `json:"store"`
	Key         string    `json:"key"`
}

func (a *app) status(_ context.Context) error {
	cache, err := a.cache(nil)
	if err != nil {
		return err
	}
	idx, err := cache.Index()
	if err != nil {
		return err
	}
	rows := []statusRow{}
	for _, e := range idx.Sorted() {
		rows = append(rows, rowOf(idx, e))
	}
	if a.json() {
		return writeJSON(a.stdout, rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(a.stderr, "Not signed in anywhere. Sign in with: latch login --tenant NAME")
		return nil
	}
	now := time.Now()
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tACCOUNT\tTENANT\tEXPIRES\tSCOPES\tREFRESH\tSTORE")
	for _, r := range rows {
		mark := " "
		if r.Current {
			mark = "*"
		}
		exp := "—"
		if !r.Expires.IsZero() {
			exp = tui.Relative(r.Expires, now)
			if r.Expires.Before(now) {
				exp = "expired " + exp
			}
		}
		refresh := "no"
		if r.Refreshable {
			refresh = "yes"
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\t%s\t%s\t%s\n", mark, r.Profile, r.Account, r.Tenant, exp, strings.Join(r.Scopes, " "), refresh, r.Store)
	}
	return tw.Flush()
}

func rowOf(idx *tokencache.Index, e *tokencache.Entry) statusRow {
	r := statusRow{
		Profile: e.Profile, Current: idx.Profiles[e.Profile].Current == e.Key, Tenant: e.Tenant, Alias: e.Alias,
		Account: e.Account, Subject: e.Subject, Refreshable: e.Refreshable, Store: e.Store, Key: string(e.Key),
		Scopes: []string{}, Audiences: []string{},
	}
	for _, a := range e.Audiences {
		if a.Audience.Resource == "" && a.Audience.Organization == "" {
			r.Expires = a.Expiry
			r.Scopes = strings.Fields(a.Scope)
		}
		if a.Audience.Resource != "" {
			r.Audiences = append(r.Audiences, a.Audience.Resource)
		}
		if r.Expires.IsZero() || (!a.Expiry.IsZero() && a.Expiry.Before(r.Expires)) {
			r.Expires = a.Expiry
		}
	}
	slices.Sort(r.Scopes)
	return r
}
