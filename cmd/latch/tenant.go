package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func (a *app) tenantCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "tenant", Short: "Manage tenant profiles in the config file"}
	var p Profile
	var makeDefault bool
	add := &cobra.Command{
		Use:     "add NAME --issuer URL --client-id ID",
		Short:   "Add or replace a tenant profile",
		Example: "  latch tenant add acme --issuer https://acme.logto.app/oidc --client-id abc123",
		Args:    cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			p.Issuer, p.ClientID = a.flags.issuer, a.flags.clientID
			return a.tenantAdd(args[0], p, makeDefault)
		},
	}
	fl := add.Flags()
	fl.StringArrayVar(&p.Resources, "resource", nil, "API resource to ask for at sign-in; repeatable")
	fl.StringSliceVar(&p.Scopes, "scope", nil, "scopes (default: openid profile email offline_access)")
	fl.StringVar(&p.CAFile, "ca-file", "", "PEM bundle of extra CAs for this tenant")
	fl.StringSliceVar(&p.AllowedTenants, "allowed-tenants", nil, "multi-tenant authorities: tenant ids allowed to sign in")
	fl.StringVar(&p.RedirectHost, "redirect-host", "", "loopback host of the redirect URI")
	fl.IntVar(&p.RedirectPort, "redirect-port", 0, "fixed loopback port")
	fl.BoolVar(&makeDefault, "default", false, "use this tenant when --tenant is not given")
	ls := &cobra.Command{
		Use: "ls", Short: "List tenant profiles", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return a.tenantList() },
	}
	rm := &cobra.Command{
		Use: "rm NAME", Short: "Remove a tenant profile (sign out first to delete its tokens)", Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error { return a.tenantRemove(args[0]) },
	}
	cmd.AddCommand(add, ls, rm)
	return cmd
}

func (a *app) tenantAdd(name string, p Profile, makeDefault bool) error {
	path, err := addTenant(name, p, makeDefault)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "✓ Tenant %s saved in %s. Sign in with: latch login --tenant %s\n", name, path, name)
	return nil
}

func (a *app) tenantList() error {
	cfg, path, err := loadConfig()
	if err != nil {
		return err
	}
	if a.json() {
		return writeJSON(a.stdout, cfg.Tenants)
	}
	if len(cfg.Tenants) == 0 {
		fmt.Fprintf(a.stderr, "No tenants in %s. Add one with: latch tenant add NAME --issuer URL --client-id ID\n", path)
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tISSUER\tCLIENT ID")
	for _, n := range cfg.names() {
		mark := " "
		if n == cfg.Default {
			mark = "*"
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\n", mark, n, cfg.Tenants[n].Issuer, cfg.Tenants[n].ClientID)
	}
	return tw.Flush()
}

func (a *app) tenantRemove(name string) error {
	path, err := removeTenant(name)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "✓ Tenant %s removed from %s\n", name, path)
	return nil
}

// addTenant writes a profile into the config file and returns its path.
func addTenant(name string, p Profile, makeDefault bool) (string, error) {
	if name == "" || p.Issuer == "" || p.ClientID == "" {
		return "", fmt.Errorf("latch tenant add NAME needs --issuer URL and --client-id ID")
	}
	if err := checkIssuer(p.Issuer); err != nil {
		return "", err
	}
	cfg, path, err := loadConfig()
	if err != nil {
		return "", err
	}
	cfg.Tenants[name] = &p
	if makeDefault {
		cfg.Default = name
	}
	return path, saveConfig(path, cfg)
}

// removeTenant deletes a profile from the config file.
func removeTenant(name string) (string, error) {
	cfg, path, err := loadConfig()
	if err != nil {
		return "", err
	}
	if _, ok := cfg.Tenants[name]; !ok {
		return "", fmt.Errorf("no tenant %q in %s", name, path)
	}
	delete(cfg.Tenants, name)
	if cfg.Default == name {
		cfg.Default = ""
	}
	return path, saveConfig(path, cfg)
}
