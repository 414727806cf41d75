package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// maxKubeconfig bounds the kubeconfig file --write reads.
const maxKubeconfig = 16 << 20

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
				_, err := fmt.Fprint(a.stdout, kubeUserYAML(user, a.kubeExecArgs()))
				return err
			}
			path, err := kubeconfigPath()
			if err != nil {
				return err
			}
			if err := mergeKubeUser(path, user, a.kubeExecArgs()); err != nil {
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

// kubeUserYAML is the users: entry, written by hand: a YAML library costs
// start-up and size on every latch run, and this text is small and fixed.
// Every value is a double-quoted scalar (JSON string syntax is valid YAML).
func kubeUserYAML(name string, args []string) string {
	var b strings.Builder
	b.WriteString("users:\n- name: " + strconv.Quote(name) + "\n  user:\n    exec:\n")
	b.WriteString("      apiVersion: " + execAPIVersion + "\n      command: latch\n      args:\n")
	for _, arg := range args {
		b.WriteString("      - " + yamlString(arg) + "\n")
	}
	b.WriteString("      interactiveMode: IfAvailable\n      provideClusterInfo: false\n")
	return b.String()
}

// yamlString writes s plain when that cannot be misread, else quoted.
func yamlString(s string) string {
	plain := s != "" && !strings.ContainsAny(s[:1], "-?:,[]{}#&*!|>'\"%@`0123456789. ")
	for _, r := range s {
		plain = plain && r < 0x7f && r > ' ' && !strings.ContainsRune(":#,[]{}\"'\\", r)
	}
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~":
		plain = false
	}
	if plain {
		return s
	}
	return strconv.Quote(s)
}

// kubeconfigPath is where kubectl reads and writes: the first file of
// $KUBECONFIG, else ~/.kube/config.
func kubeconfigPath() (string, error) {
	for _, p := range filepath.SplitList(os.Getenv("KUBECONFIG")) {
		if p != "" {
			return p, nil
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no home directory (%w): set KUBECONFIG", err)
	}
	return filepath.Join(home, ".kube", "config"), nil
}

// mergeKubeUser puts the user into the kubeconfig at path, keeping every
// other entry, comment and order, and replaces the file atomically.
func mergeKubeUser(path, name string, args []string) error {
	// Write through a symlink (a dotfiles checkout), not over it.
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	old, mode, err := readKubeconfig(path)
	if err != nil {
		return err
	}
	out, err := mergeUserYAML(old, name, args)
	if err != nil {
		return fmt.Errorf("kubeconfig %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".latch-kubeconfig-*")
	if err != nil {
		return err
	}
	_, werr := f.Write(out)
	if werr == nil {
		werr = f.Chmod(mode)
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(f.Name(), path)
	}
	if werr != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %w", path, werr)
	}
	return nil
}

func readKubeconfig(path string) ([]byte, fs.FileMode, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0o600, nil
	}
	if err != nil {
		return nil, 0, err
	}
	if !st.Mode().IsRegular() {
		return nil, 0, fmt.Errorf("%s is not a regular file", path)
	}
	b, err := readBounded(path, maxKubeconfig)
	return b, st.Mode().Perm(), err
}
