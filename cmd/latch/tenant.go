package main

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/latchdev/latch/auth/session"
	"github.com/spf13/cobra"
)

func (a *app) tenantCommand() *cobra.Command {
	cmd := group("tenant", "Manage tenant profiles in the config file")
	cmd.AddCommand(a.tenantAddCommand(), a.tenantListCommand(), a.tenantRemoveCommand(), a.tenantUseCommand())
	return cmd
}

func (a *app) tenantAddCommand() *cobra.Command {
	var p session.Profile
	var o session.AddOptions
	add := &cobra.Command{
		Use:     "add NAME --issuer URL --client-id ID",
		Short:   "Add or replace a tenant profile (re-pointing one with sessions signs them out; needs --force)",
		Example: "  latch tenant add acme --issuer https://acme.logto.app/oidc --client-id abc123",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p.Issuer, p.ClientID = a.sel.Issuer, a.sel.ClientID
			return a.tenantAdd(cmd.Context(), args[0], p, o)
		},
	}
	fl := add.Flags()
	fl.StringArrayVar(&p.Resources, "resource", nil, "API resource to ask for at sign-in; repeatable")
	fl.StringSliceVar(&p.Scopes, "scope", nil, "scopes (default: openid profile email offline_access)")
	fl.StringVar(&p.CAFile, "ca-file", "", "PEM bundle of extra CAs for this tenant")
	fl.StringSliceVar(&p.AllowedTenants, "allowed-tenants", nil, "multi-tenant authorities: tenant ids allowed to sign in")
	fl.StringVar(&p.RedirectHost, "redirect-host", "", "loopback host of the redirect URI")
	fl.IntVar(&p.RedirectPort, "redirect-port", 0, "fixed loopback port (for providers that match redirect URIs exactly)")
	fl.StringVar(&p.AudienceParam, "audience-param", "", "how the provider takes an API resource: resource (RFC 8707) or audience (Auth0, Okta, Hydra)")
	fl.StringVar(&p.BrowserCommand, "browser-command", "", "command that opens the sign-in URL")
	fl.BoolVar(&p.InsecureAllowHTTP, "insecure-allow-http", false, "allow a plain-http issuer that is not loopback (tokens cross the network unencrypted)")
	fl.BoolVar(&o.Default, "default", false, "use this tenant when --tenant is not given")
	fl.BoolVar(&o.Force, "force", false, "re-point a tenant that has sessions: they are signed out first")
	return add
}

func (a *app) tenantAdd(ctx context.Context, name string, p session.Profile, o session.AddOptions) error {
	e, err := a.engine()
	if err != nil {
		return err
	}
	out, err := e.AddTenant(ctx, name, p, o)
	a.printSignedOut(out)
	if errors.Is(err, session.ErrHasSessions) {
		return hinted{err, "to point it elsewhere and sign those sessions out, repeat with --force"}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "✓ Tenant %s saved in %s. Sign in with: latch login --tenant %s\n", safeText(name), e.ConfigPath, shellQuote(name))
	return nil
}

func (a *app) tenantListCommand() *cobra.Command {
	return &cobra.Command{
		Use: "ls", Short: "List tenant profiles (* marks the default)", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return a.tenantList() },
	}
}

func (a *app) tenantList() error {
	e, err := a.engine()
	if err != nil {
		return err
	}
	cfg, err := e.LoadConfig()
	if err != nil {
		return err
	}
	def := cfg.DefaultName()
	if a.json() {
		list := []*session.Profile{}
		for _, n := range cfg.Names() {
			list = append(list, cfg.Tenants[n])
		}
		return writeJSON(a.stdout, map[string]any{"default": def, "tenants": list})
	}
	if len(cfg.Tenants) == 0 {
		fmt.Fprintf(a.stderr, "No tenants in %s. Add one with: latch tenant add NAME --issuer URL --client-id ID\n", e.ConfigPath)
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tISSUER\tCLIENT ID")
	for _, n := range cfg.Names() {
		mark := " "
		if n == def {
			mark = "*"
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\n", mark, cell(n), cell(cfg.Tenants[n].Issuer), cell(cfg.Tenants[n].ClientID))
	}
	return tw.Flush()
}

func (a *app) tenantRemoveCommand() *cobra.Command {
	var yes bool
	rm := &cobra.Command{
		Use: "rm NAME", Short: "Remove a tenant profile, signing out its sessions (revoke and delete)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return a.tenantRemove(cmd.Context(), args[0], yes) },
	}
	rm.Flags().BoolVarP(&yes, "yes", "y", false, "sign out the tenant's sessions without asking")
	rm.ValidArgsFunction = a.completeTenants
	return rm
}

func (a *app) tenantRemove(ctx context.Context, name string, yes bool) error {
	e, err := a.engine()
	if err != nil {
		return err
	}
	out, err := e.RemoveTenant(ctx, name, yes)
	if errors.Is(err, session.ErrHasSessions) {
		if !a.confirm(fmt.Sprintf("%s. Sign them out and remove the tenant? [y/N] ", safeText(err.Error()))) {
			return hinted{err, "to sign them out and remove it: latch tenant rm " + shellQuote(name) + " --yes"}
		}
		out, err = e.RemoveTenant(ctx, name, true)
	}
	a.printSignedOut(out)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "✓ Tenant %s removed from %s\n", safeText(name), e.ConfigPath)
	return nil
}

func (a *app) tenantUseCommand() *cobra.Command {
	use := &cobra.Command{
		Use: "use NAME", Short: "Make a tenant the default (LATCH_TENANT overrides it)", Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			e, err := a.engine()
			if err != nil {
				return err
			}
			if err := e.UseTenant(args[0]); err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "✓ %s is the default tenant\n", safeText(args[0]))
			return nil
		},
	}
	use.ValidArgsFunction = a.completeTenants
	return use
}
