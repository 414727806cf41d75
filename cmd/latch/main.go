// Command latch signs a developer in from the terminal through Logto or any
// OpenID Connect provider and keeps the tokens in the OS keyring.
//
// Exit codes: 0 ok, 1 error, 2 sign-in required. Data goes to stdout,
// messages for people to stderr.
//
// Choices made where the design is silent:
//
//   - A profile comes from --tenant (the config file), or from --issuer and
//     --client-id alone; such a profile is named --tenant if given, else
//     "<issuer>#<client-id>", and that name keys it in the index.
//   - With no --tenant, the config's default, or its only tenant, is used.
//   - latch alone opens the terminal UI when stdin and stdout are terminals,
//     and prints the status otherwise.
//   - login checks that the store answers before it opens a browser, so a
//     sign-in is never thrown away for want of a keyring.
//   - Other resources and organizations asked for at login are fetched
//     right after it, by refresh grants, before the session is stored.
//   - logout deletes the session even when revocation fails, and says so.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/latchdev/latch/tokencache"
	"github.com/spf13/cobra"
)

// version is set by the build (-ldflags "-X main.version=...").
var version = "dev"

const (
	exitError          = 1
	exitSignInRequired = 2
)

// app carries the global flags and the streams.
type app struct {
	stdout, stderr io.Writer
	flags          profileFlags
	store          string
	output         string
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr}
	root := a.rootCommand(len(args) > 0 && args[0] == "token")
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(stderr, "latch:", err)
		if errors.Is(err, tokencache.ErrSignInRequired) {
			return exitSignInRequired
		}
		return exitError
	}
	return 0
}

// rootCommand builds the command tree. onlyToken builds just what latch
// token needs: scripts call it often, and every command built costs start-up.
func (a *app) rootCommand(onlyToken bool) *cobra.Command {
	root := &cobra.Command{
		Use:           "latch",
		Short:         "Sign in from the terminal through Logto or any OpenID Connect provider",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		// In a terminal, latch alone opens the UI; piped, it prints the status.
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !isTerminal() {
				return a.status(cmd.Context())
			}
			return a.ui(cmd.Context())
		},
	}
	pf := root.PersistentFlags()
	pf.StringVarP(&a.flags.tenant, "tenant", "t", "", "tenant profile from the config file")
	pf.StringVar(&a.flags.issuer, "issuer", "", "issuer URL (defines a profile without a config file)")
	pf.StringVar(&a.flags.clientID, "client-id", "", "client (application) ID")
	pf.StringVar(&a.flags.account, "account", "", "account (sub or email) when several are signed in")
	pf.StringVar(&a.store, "store", "", "where tokens live: keyring (default) or file (unencrypted, only when asked)")
	pf.StringVarP(&a.output, "output", "o", "text", "output format: text or json")
	if onlyToken {
		root.CompletionOptions.DisableDefaultCmd = true
		root.AddCommand(a.tokenCommand())
		return root
	}
	root.AddCommand(a.loginCommand(), a.tokenCommand(), a.claimsCommand(), a.statusCommand(),
		a.logoutCommand(), a.tenantCommand(), a.demoCommand(), a.cacheCommand(), a.orgsCommand())
	return root
}

// profile resolves the profile named by the global flags.
func (a *app) profile() (*Profile, error) {
	cfg, _, err := loadConfig()
	if err != nil {
		return nil, err
	}
	return cfg.resolve(a.flags)
}

// cache opens the store the flags or the profile ask for.
func (a *app) cache(p *Profile) (*tokencache.Cache, error) {
	store := a.store
	if store == "" && p != nil {
		store = p.Store
	}
	return openCache(store)
}

func (a *app) json() bool { return a.output == "json" }
