// Command latch signs a developer in from the terminal through Logto or any
// OpenID Connect provider and keeps the tokens in the OS keyring.
//
// Exit codes: 0 ok, 1 error, 2 sign-in required, 130 interrupted. Data goes
// to stdout, messages for people to stderr.
//
// Each command is flags → one call of the engine (package auth/session) →
// render. latch alone opens the terminal UI when stdin and stdout are
// terminals, and prints the status otherwise.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"github.com/latchdev/latch/auth/session"
	"github.com/spf13/cobra"
)

// version is set by the build (-ldflags "-X main.version=..."); otherwise
// the module version from the build info is shown.
var version = "dev"

// Exit codes, one table for every command.
const (
	exitOK             = 0
	exitError          = 1
	exitSignInRequired = 2
	exitInterrupted    = 130
)

// streams are where a command reads and writes: the process's own, or a
// test's buffers.
type streams struct {
	in             io.Reader
	stdout, stderr io.Writer
}

// app carries the global flags and the streams.
type app struct {
	streams
	sel     session.Selector
	store   string
	output  string
	verbose bool

	// openBrowser, when set, replaces the system browser (tests).
	openBrowser func(string) error
}

func main() {
	os.Exit(run(os.Args[1:], streams{os.Stdin, os.Stdout, os.Stderr}))
}

// run executes one command line and returns its exit code.
func run(args []string, s streams) int { return (&app{streams: s}).run(args) }

func (a *app) run(args []string) int {
	s := a.streams
	root := a.rootCommand(args)
	root.SetArgs(args)
	root.SetIn(s.in)
	root.SetOut(s.stdout)
	root.SetErr(s.stderr)
	ctx, stop := interruptible()
	defer stop()
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	return a.fail(ctx, err)
}

// rootCommand builds the command tree the arguments need: every command
// built costs start-up, and scripts call latch token often.
func (a *app) rootCommand(args []string) *cobra.Command {
	root := &cobra.Command{
		Use:           "latch",
		Short:         "Sign in from the terminal through Logto or any OpenID Connect provider",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          unknownCommand,
		// In a terminal, latch alone opens the UI; piped, it prints the status.
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !isTerminal() {
				return a.status(cmd.Context())
			}
			return a.ui(cmd.Context())
		},
	}
	root.SuggestionsMinimumDistance = 2
	setVersion(root, args)
	pf := root.PersistentFlags()
	pf.StringVarP(&a.sel.Tenant, "tenant", "t", "", "tenant profile from the config file (default: LATCH_TENANT, then latch tenant use)")
	pf.StringVar(&a.sel.Issuer, "issuer", "", "issuer URL (defines a profile without a config file)")
	pf.StringVar(&a.sel.ClientID, "client-id", "", "client (application) ID")
	pf.StringVar(&a.sel.Account, "account", "", "account (sub or email) when several are signed in")
	pf.StringVar(&a.store, "store", "", "where tokens live: keyring (default) or file (unencrypted, only when asked)")
	pf.StringVarP(&a.output, "output", "o", "text", "output format: text or json (latch token: also exec-credential, for kubectl)")
	pf.BoolVarP(&a.verbose, "verbose", "v", false, "trace every provider request on stderr, secrets redacted (also LATCH_DEBUG=1)")
	pf.BoolVar(&a.verbose, "debug", false, "same as --verbose")
	// For the UI: the token its session and claims screens show.
	root.Flags().StringVar(&a.sel.Resource, "resource", "", "the UI shows this API resource's token")
	root.Flags().StringVar(&a.sel.Org, "org", "", "the UI shows this organization's token")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error { return a.checkOutput(cmd) }
	a.completeFlags(root)
	cmds := a.commands(args)
	if len(cmds) <= 1 {
		root.CompletionOptions.DisableDefaultCmd = true
	}
	root.AddCommand(cmds...)
	return root
}

// commands are the subcommands to build: only the one named first, none
// when there is no subcommand at all (latch alone, latch --version), and
// all of them for help, completion, a mistyped name or anything less clear.
func (a *app) commands(args []string) []*cobra.Command {
	builders := a.builders()
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
	for _, c := range all {
		a.completeResourceAndOrg(c)
	}
	return all
}

type builder struct {
	name  string
	build func() *cobra.Command
}

func (a *app) builders() []builder {
	return []builder{
		{"login", a.loginCommand}, {"token", a.tokenCommand}, {"claims", a.claimsCommand},
		{"status", a.statusCommand}, {"logout", a.logoutCommand}, {"tenant", a.tenantCommand},
		{"demo", a.demoCommand}, {"cache", a.cacheCommand}, {"orgs", a.orgsCommand},
		{"inspect", a.inspectCommand}, {"kubeconfig", a.kubeconfigCommand},
		{"git-credential", a.gitCredentialCommand}, {"version", a.versionCommand},
		{"docs", a.docsCommand},
	}
}

// engine opens the session engine on the user's config, state and store.
func (a *app) engine() (*session.Engine, error) {
	e, err := session.Open(session.Options{StoreKind: a.store})
	if err != nil {
		return nil, err
	}
	e.OpenBrowser = a.openBrowser
	e.Notify = func(msg string) { fmt.Fprintln(a.stderr, "! "+safeText(msg)) }
	if a.verbose || os.Getenv("LATCH_DEBUG") == "1" {
		e.Debug = a.stderr
	}
	return e, nil
}

func (a *app) json() bool { return a.output == "json" }

// checkOutput refuses an -o the command cannot print.
func (a *app) checkOutput(cmd *cobra.Command) error {
	allowed := []string{"text", "json"}
	if cmd.Annotations["outputs"] != "" {
		allowed = strings.Split(cmd.Annotations["outputs"], ",")
	}
	for _, o := range allowed {
		if a.output == o {
			return nil
		}
	}
	return usageError{fmt.Sprintf("-o %s is not an output of latch %s: use %s", a.output, cmd.Name(), strings.Join(allowed, " or "))}
}

// unknownCommand refuses arguments to latch alone, with "did you mean".
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q", args[0])
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		return hinted{usageError{msg}, "did you mean latch " + strings.Join(s, " or latch ") + "?"}
	}
	return hinted{usageError{msg}, "see latch --help"}
}

// group is a command that only holds subcommands: alone it shows its help,
// with a mistyped subcommand it says so, with "did you mean".
func group(use, short string) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			cmd.SuggestionsMinimumDistance = 2
			msg := fmt.Sprintf("unknown command %q for latch %s", args[0], use)
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				return hinted{usageError{msg}, "did you mean latch " + use + " " + strings.Join(s, " or latch "+use+" ") + "?"}
			}
			return hinted{usageError{msg}, "see latch " + use + " --help"}
		}}
}

// interruptible is a context that Ctrl-C and SIGTERM cancel, and stop,
// which ends it and gives the signals back. The handler is installed from a
// goroutine: installing it starts the runtime's signal loop, which blocks a
// thread of its own, and on the main path that cost about 0.2 ms of every
// latch token. Until it is in place (well before any write could begin) a
// signal ends latch the default way, also with 130 in the shell. After the
// first signal the handler stays until stop, so that a second Ctrl-C cannot
// cut short the write of a rotated refresh token.
func interruptible() (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
		defer signal.Stop(ch)
		select {
		case <-ch:
			cancel()
			<-done
		case <-done:
		}
	}()
	var once sync.Once
	return ctx, func() { once.Do(func() { cancel(); close(done) }) }
}
