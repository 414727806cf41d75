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

func (a *app) cacheCommand() *cobra.Command {
	cmd := group("cache", "See and prune the token cache: keys, sizes, expiries, never a secret")
	ls := &cobra.Command{
		Use: "ls", Short: "Every cache key: tenant, client, account, audience, size, chunks, expiry, store", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.cacheList(cmd.Context()) },
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
		RunE: func(cmd *cobra.Command, _ []string) error { return a.cacheExplain(cmd.Context(), aud, minTTL) },
	}
	explain.Flags().StringVar(&aud.Resource, "resource", "", "API resource")
	explain.Flags().StringVar(&aud.Organization, "org", "", "organization id")
	explain.Flags().DurationVar(&minTTL, "min-ttl", time.Minute, "as latch token --min-ttl")
	cmd.AddCommand(ls, rm, explain)
	return cmd
}

func (a *app) cacheList(ctx context.Context) error {
	e, err := a.engine()
	if err != nil {
		return err
	}
	rows, err := e.CacheList(ctx)
	if err != nil {
		return err
	}
	if h, err := e.Health(ctx); err == nil {
		a.printHealth(h)
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
			exp = auth.Relative(r.Expires, now)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\n", cell(r.Tenant), cell(r.Account), cell(r.Audience), r.Size, r.Chunks, exp, cell(r.Store))
		fmt.Fprintf(tw, "  key: %s\n", cell(r.Key)) // no tab: does not widen the columns
	}
	return tw.Flush()
}

func (a *app) cacheRemove(ctx context.Context, key string) error {
	e, err := a.engine()
	if err != nil {
		return err
	}
	store, err := e.DeleteKey(ctx, key)
	if err != nil {
		return hinted{err, "see the keys with: latch cache ls"}
	}
	fmt.Fprintf(a.stderr, "✓ Deleted %s from the %s (nothing was revoked: use latch logout for that)\n", safeText(key), store)
	return nil
}

func (a *app) cacheExplain(ctx context.Context, aud auth.Audience, minTTL time.Duration) error {
	e, err := a.engine()
	if err != nil {
		return err
	}
	ex, err := e.Explain(ctx, a.sel, aud, minTTL)
	if err != nil {
		return err
	}
	if a.json() {
		return writeJSON(a.stdout, ex)
	}
	if ex.Key != "" {
		fmt.Fprintf(a.stdout, "key: %s\n", safeText(ex.Key))
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	for _, f := range ex.Fields {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", cell(f.Name), cell(f.Value), "← "+cell(f.Source))
	}
	tw.Flush()
	verdict := "miss: " + ex.Verdict
	if ex.Hit {
		verdict = "hit"
	}
	fmt.Fprintf(a.stdout, "%s — %s\n", strings.ToUpper(verdict[:1])+verdict[1:], safeText(ex.Reason))
	return nil
}

// printHealth tells people, on stderr, what a crash left behind and which
// index entries were skipped.
func (a *app) printHealth(h *session.CacheHealth) {
	for _, p := range h.Problems {
		fmt.Fprintf(a.stderr, "! index: %s\n", safeText(p))
	}
	for _, o := range h.Orphans {
		chunks := "an unknown number of"
		if o.Chunks > 0 {
			chunks = fmt.Sprint(o.Chunks)
		}
		fmt.Fprintf(a.stderr, "! %s chunk item(s) of generation %s left behind by an interrupted write under %s; remove with: latch cache rm %s\n",
			chunks, safeText(o.Gen), safeText(string(o.Key)), shellQuote(string(o.Key)))
	}
}
