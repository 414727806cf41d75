// Command latch-ui is latch's terminal UI (Bubble Tea): tenants, live
// sign-in, session, claims, inspect and cache screens over the same engine
// as the latch commands.
//
// It is its own program so that latch token, which scripts and kubectl run
// before every call, starts without the UI's libraries: their package
// initialisation alone cost more than a third of latch's start-up. latch
// alone (and latch demo) in a terminal runs latch-ui, found next to the
// latch executable or on PATH; it can also be run directly:
//
//	latch-ui [--tenant T | --issuer URL --client-id ID] [--account A] [--resource R] [--org O] [--store file]
//	latch-ui demo [--demo-ttl 1h]
//
// Exit codes as latch: 0 ok, 1 error, 2 sign-in required, 130 interrupted.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/auth/demoidp"
	"github.com/latchdev/latch/auth/session"
	"github.com/latchdev/latch/tokencache"
	"github.com/latchdev/latch/tui"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	demo := len(args) > 0 && args[0] == "demo"
	if demo {
		args = args[1:]
	}
	fs := flag.NewFlagSet("latch-ui", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sel session.Selector
	var store string
	var debug bool
	ttl := time.Hour
	fs.BoolVar(&debug, "debug", false, "trace every provider request on stderr, secrets redacted (also LATCH_DEBUG=1)")
	if demo {
		fs.DurationVar(&ttl, "demo-ttl", ttl, "lifetime of the demo provider's access and ID tokens")
	} else {
		fs.StringVar(&sel.Tenant, "tenant", "", "tenant profile from the config file")
		fs.StringVar(&sel.Tenant, "t", "", "same as --tenant")
		fs.StringVar(&sel.Issuer, "issuer", "", "issuer URL (a profile without a config file)")
		fs.StringVar(&sel.ClientID, "client-id", "", "client (application) ID")
		fs.StringVar(&sel.Account, "account", "", "account (sub or email) when several are signed in")
		fs.StringVar(&sel.Resource, "resource", "", "show this API resource's token")
		fs.StringVar(&sel.Org, "org", "", "show this organization's token")
		fs.StringVar(&store, "store", "", "where tokens live: keyring (default) or file")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 1
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "latch-ui: unexpected argument %q: the commands are latch's (latch --help)\n", auth.TerminalSafe(fs.Arg(0)))
		return 1
	}
	if !term.IsTerminal(os.Stdin.Fd()) || !term.IsTerminal(os.Stdout.Fd()) {
		fmt.Fprintln(stderr, "latch-ui: needs a terminal; latch status (or latch demo --script) prints the same without one")
		return 1
	}
	var trace io.Writer
	if debug || os.Getenv("LATCH_DEBUG") == "1" {
		trace = stderr
	}
	var err error
	if demo {
		err = runDemo(ctx, ttl, trace)
	} else {
		err = runUI(ctx, sel, store, trace)
	}
	switch {
	case err == nil:
		return 0
	case ctx.Err() != nil:
		return 130
	}
	fmt.Fprintln(stderr, "latch-ui: "+auth.TerminalSafe(err.Error()))
	if errors.Is(err, tokencache.ErrSignInRequired) {
		return 2
	}
	return 1
}

// runUI opens the UI on the config's tenants, at the session the flags
// chose.
func runUI(ctx context.Context, sel session.Selector, store string, trace io.Writer) error {
	e, err := session.Open(session.Options{StoreKind: store})
	if err != nil {
		return err
	}
	e.Debug = trace
	tenant := sel.Tenant
	if tenant == "" && (sel.Issuer != "" || sel.Account != "" || sel.Resource != "" || sel.Org != "") {
		// --account (or --resource, --org) alone means the default tenant's.
		if p, err := e.Resolve(sel); err == nil {
			tenant = p.Name
		}
	}
	return tui.Run(ctx, tui.Options{Backend: tui.EngineBackend(e, sel), Tenant: tenant, OpenSession: tenant != "",
		NoColor: os.Getenv("NO_COLOR") != "", Dark: true})
}

// demoBackend is the UI's backend on the demo tenants, with the in-terminal
// user picker for machines where no browser opens.
type demoBackend struct {
	tui.Backend
}

func (b demoBackend) Users(tenant string) []string {
	var out []string
	for _, u := range demoidp.Users {
		switch tenant {
		case "demo-common":
			if slices.Contains(u.Tenants, demoidp.TenantContoso) || slices.Contains(u.Tenants, demoidp.TenantFabrikam) {
				out = append(out, u.Username)
			}
		default:
			if slices.Contains(u.Tenants, tenant[len("demo-"):]) {
				out = append(out, u.Username)
			}
		}
	}
	return out
}

func (demoBackend) Pick(authURL, user string) error { return demoidp.PickUser(authURL, user) }

// runDemo opens the UI on the demo tenants.
func runDemo(ctx context.Context, ttl time.Duration, trace io.Writer) error {
	env, err := session.StartDemo(ctx, ttl)
	if err != nil {
		return err
	}
	defer env.Close()
	env.Engine.Debug = trace
	hint := "Demo: enter signs in (p picks a user right here if no browser opens) · tab: session, claims, cache · tokens are deleted on quit"
	if !env.KeyringOK {
		hint = "Demo, no OS keyring here: tokens stay in memory. enter signs in (p picks a user) · tab: session, claims, cache"
	}
	b := demoBackend{tui.EngineBackend(env.Engine, session.Selector{})}
	return tui.Run(ctx, tui.Options{Backend: b, Hint: hint, NoColor: os.Getenv("NO_COLOR") != "", Dark: true})
}
