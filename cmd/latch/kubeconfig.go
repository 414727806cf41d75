package main

import (
	"fmt"

	"github.com/latchdev/latch/auth/session"
	"github.com/spf13/cobra"
)

func (a *app) kubeconfigCommand() *cobra.Command {
	var user string
	var write bool
	cmd := &cobra.Command{
		Use:   "kubeconfig",
		Short: "Print (or --write) the kubeconfig user that has kubectl ask latch for tokens",
		Example: `  latch kubeconfig --tenant acme
  latch kubeconfig --tenant acme --user acme-dev --write
  kubectl config set-context dev --cluster dev --user latch-acme`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := a.engine()
			if err != nil {
				return err
			}
			p, err := e.Resolve(a.sel)
			if err != nil {
				return err
			}
			if a.sel.Tenant == "" && a.sel.Issuer == "" {
				// Pin the default profile: kubectl must not follow a
				// later change of the default to another identity.
				a.sel.Tenant = p.Name
			}
			if user == "" {
				user = a.kubeUserName()
			}
			if !write {
				_, err := fmt.Fprint(a.stdout, session.KubeUserYAML(user, a.kubeExecArgs()))
				return err
			}
			path, err := session.KubeconfigPath()
			if err != nil {
				return err
			}
			if err := session.MergeKubeUser(path, user, a.kubeExecArgs()); err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "✓ user %s written to %s\n  use it: kubectl config set-context NAME --cluster CLUSTER --user %s\n", safeText(user), safeText(path), safeText(user))
			return nil
		},
	}
	cmd.Flags().StringVar(&user, "user", "", "name of the kubeconfig user (default latch-<tenant>)")
	cmd.Flags().BoolVar(&write, "write", false, "merge the user into $KUBECONFIG (its first file) or ~/.kube/config")
	return cmd
}

func (a *app) kubeUserName() string {
	if a.sel.Tenant != "" {
		return "latch-" + a.sel.Tenant
	}
	return "latch"
}

// kubeExecArgs are the arguments kubectl runs latch with.
func (a *app) kubeExecArgs() []string {
	return append([]string{"token", "-o", execCredentialOutput}, a.profileArgs(true)...)
}
