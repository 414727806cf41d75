package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/tokencache"
	"github.com/latchdev/latch/tui"
	"github.com/spf13/cobra"
)

func (a *app) cacheCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "cache", Short: "See and prune the token cache: keys, sizes, expiries, never a secret"}
	ls := &cobra.Command{
		Use: "ls", Short: "Every cache key: tenant, client, account, audience, size, chunks, expiry, store", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return a.cacheList() },
	}
	rm := &cobra.Command{
		Use: "rm KEY", Short: "Delete a record, or one access token of it, from the store (no revocation)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return a.cacheRemove(cmd.Context(), args[0]) },
	}
	var aud auth.Audience
	var minTTL time.Duration
	explain := &cobra.Command{
		Use:   "explain",
		Short: "The key a token lookup would use, where each field comes from, and hit or miss and why",
		Example: `  latch cache explain --tenant acme
  latch cache explain --tenant entra --account ada@contoso.com -o json
  latch cache explain --tenant acme --resource https://api.acme.dev --org org-1`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return a.cacheExplain(aud, minTTL) },
	}
	explain.Flags().StringVar(&aud.Resource, "resource", "", "API resource")
	explain.Flags().StringVar(&aud.Organization, "org", "", "organization id")
	explain.Flags().DurationVar(&minTTL, "min-ttl", time.Minute, "as latch token --min-ttl")
	cmd.AddCommand(ls, rm, explain)
	return cmd
}

type cacheRow struct {
	Key      string    `json:"key"`
	Record   string    `json:"record"`
	Tenant   string    `json:"tenant"`
	Client   string    `json:"client_id"`
	Account  string    `json:"account"`
	Audience string    `json:"audience"`
	Size     int       `json:"size"`
	Chunks   int       `json:"chunks"`
	Expires  time.Time `json:"expires,omitzero"`
	Store    string    `json:"store"`
}

func (a *app) cacheList() error {
	cache, err := a.cache(nil)
	if err != nil {
		return err
	}
	x, err := cache.Index()
	if err != nil {
		return err
	}
	rows := []cacheRow{}
	for _, e := range x.Sorted() {
		for _, au := range e.Audiences {
			aud := tokencache.AudienceKey(au.Audience)
			if aud == "" {
				aud = "default"
			}
			rows = append(rows, cacheRow{Key: au.Key, Record: string(e.Key), Tenant: e.Tenant, Client: e.ClientID, Account: e.Account,
				Audience: aud, Size: e.Size, Chunks: max(1, e.Chunks), Expires: au.Expiry, Store: e.Store})
		}
	}
	if a.json() {
		return writeJSON(a.stdout, rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(a.stderr, "The cache is empty.")
		return nil
	}
	now := time.Now()
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TENANT\tACCOUNT\tAUDIENCE\tSIZE\tCHUNKS\tEXPIRES\tSTORE")
	for _, r := range rows {
		exp := "—"
		if !r.Expires.IsZero() {
			exp = tui.Relative(r.Expires, now)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\n", r.Tenant, r.Account, r.Audience, r.Size, r.Chunks, exp, r.Store)
		fmt.Fprintf(tw, "  key: %s\n", r.Key) // no tab: does not widen the columns
	}
	return tw.Flush()
}

func (a *app) cacheRemove(ctx context.Context, key string) error {
	cache, err := a.cache(nil)
	if err != nil {
		return err
	}
	if err := cache.DeleteKey(ctx, key); err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "✓ Deleted %s from the %s (nothing was revoked: use latch logout for that)\n", key, cache.Store.Name())
	return nil
}

func (a *app) cacheExplain(aud auth.Audience, minTTL time.Duration) error {
	p, err := a.profile()
	if err != nil {
		return err
	}
	cache, err := a.cache(p)
	if err != nil {
		return err
	}
	x, err := cache.Index()
	if err != nil {
		return err
	}
	ex := x.Explain(tokencache.Query{Profile: p.Name, Issuer: p.Issuer, ClientID: p.ClientID, Account: a.flags.account,
		Audience: aud, Now: time.Now(), MinTTL: minTTL})
	if a.json() {
		return writeJSON(a.stdout, ex)
	}
	if ex.Key != "" {
		fmt.Fprintf(a.stdout, "key: %s\n", ex.Key)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	for _, f := range ex.Fields {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", f.Name, f.Value, "← "+f.Source)
	}
	tw.Flush()
	verdict := "miss: " + ex.Verdict
	if ex.Hit {
		verdict = "hit"
	}
	fmt.Fprintf(a.stdout, "%s — %s\n", strings.ToUpper(verdict[:1])+verdict[1:], ex.Reason)
	return nil
}
