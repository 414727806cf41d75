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
	"strings"

	"github.com/latchdev/latch/auth"
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
	root := a.rootCommand(args)
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

// rootCommand builds the command tree the arguments need: every command
// built costs start-up, and scripts call latch token often.
func (a *app) rootCommand(args []string) *cobra.Command {
	root := &cobra.Command{
		Use:           "latch",
		Short:         "Sign in from the terminal through Logto or any OpenID Connect provider",
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
	setVersion(root, args)
	pf := root.PersistentFlags()
	pf.StringVarP(&a.flags.tenant, "tenant", "t", "", "tenant profile from the config file")
	pf.StringVar(&a.flags.issuer, "issuer", "", "issuer URL (defines a profile without a config file)")
	pf.StringVar(&a.flags.clientID, "client-id", "", "client (application) ID")
	pf.StringVar(&a.flags.account, "account", "", "account (sub or email) when several are signed in")
	pf.StringVar(&a.store, "store", "", "where tokens live: keyring (default) or file (unencrypted, only when asked)")
	pf.StringVarP(&a.output, "output", "o", "text", "output format: text or json (latch token: also exec-credential, for kubectl)")
	cmds := a.commands(args)
	if len(cmds) <= 1 {
		root.CompletionOptions.DisableDefaultCmd = true
	}
	root.AddCommand(cmds...)
	return root
}

// commands are the subcommands to build: only the one named first, none
// when there is no subcommand at all (latch alone, latch --version), and
// all of them for help, completion or anything less clear.
func (a *app) commands(args []string) []*cobra.Command {
	builders := []struct {
		name  string
		build func() *cobra.Command
	}{
		{"login", a.loginCommand}, {"token", a.tokenCommand}, {"claims", a.claimsCommand},
		{"status", a.statusCommand}, {"logout", a.logoutCommand}, {"tenant", a.tenantCommand},
		{"demo", a.demoCommand}, {"cache", a.cacheCommand}, {"orgs", a.orgsCommand},
		{"inspect", a.inspectCommand}, {"kubeconfig", a.kubeconfigCommand},
		{"git-credential", a.gitCredentialCommand}, {"version", a.versionCommand},
		{"docs", a.docsCommand},
	}
	help, positional := false, false
	for _, arg := range args {
		help = help || arg == "-h" || arg == "--help" || arg == "help"
		positional = positional || !strings.HasPrefix(arg, "-")
	}
	if !help && len(args) > 0 {
		for _, b := range builders {
			if b.name == args[0] {
				return []*cobra.Command{b.build()}
			}
		}
	}
	if !help && !positional {
		return nil
	}
	var all []*cobra.Command
	for _, b := range builders {
		all = append(all, b.build())
	}
	return all
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

// signedIn is the session the flags name: profile, store, index entry.
type signedIn struct {
	p     *Profile
	cache *tokencache.Cache
	entry *tokencache.Entry
}

// signedIn resolves the profile, opens its store and finds the account's
// record in the index. It reads no keyring item.
func (a *app) signedIn() (*signedIn, error) {
	p, err := a.profile()
	if err != nil {
		return nil, err
	}
	cache, err := a.cache(p)
	if err != nil {
		return nil, err
	}
	x, err := cache.Index()
	if err != nil {
		return nil, err
	}
	e, err := x.Resolve(p.Name, a.flags.account)
	if err != nil {
		return nil, err
	}
	return &signedIn{p: p, cache: cache, entry: e}, nil
}

// load reads the record (one keyring item) and discovers its tenant.
func (s *signedIn) load(ctx context.Context) (*tokencache.Record, *auth.Provider, error) {
	rec, err := s.cache.Load(s.entry.Key)
	if err != nil {
		return nil, nil, err
	}
	prov, err := tenantProvider(ctx, s.p, rec)
	return rec, prov, err
}
