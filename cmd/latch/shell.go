package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/latchdev/latch/auth/session"
	"github.com/spf13/cobra"
)

// confirm asks a yes/no question on stderr and reads the answer from stdin;
// with no terminal to ask, the answer is no.
func (a *app) confirm(question string) bool {
	if !a.stdinIsTerminal() {
		return false
	}
	fmt.Fprint(a.stderr, question)
	line, _ := bufio.NewReader(a.in).ReadString('\n')
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes"
}

// completeFlags completes tenant names, accounts, resources and
// organizations from the config and the index.
func (a *app) completeFlags(root *cobra.Command) {
	root.RegisterFlagCompletionFunc("tenant", a.completeTenants)
	root.RegisterFlagCompletionFunc("account", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		// The accounts of the profile the other flags choose (the default
		// one when they name none).
		profile := a.sel.Tenant
		if e, err := a.engine(); err == nil {
			if p, err := e.Resolve(a.sel); err == nil {
				profile = p.Name
			}
		}
		return a.fromStatus(func(s session.Status) []string {
			if profile != "" && s.Profile != profile {
				return nil
			}
			return []string{s.Account}
		}), cobra.ShellCompDirectiveNoFileComp
	})
	root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
}

// completeResourceAndOrg adds completion of --resource and --org to a
// command that has them.
func (a *app) completeResourceAndOrg(cmd *cobra.Command) {
	if cmd.Flags().Lookup("resource") != nil {
		cmd.RegisterFlagCompletionFunc("resource", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return a.fromStatus(func(s session.Status) []string { return s.Audiences }), cobra.ShellCompDirectiveNoFileComp
		})
	}
	if cmd.Flags().Lookup("org") != nil {
		cmd.RegisterFlagCompletionFunc("org", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			var out []string
			if e, err := a.engine(); err == nil {
				if rows, err := e.CacheList(cmd.Context()); err == nil {
					for _, r := range rows {
						if org, ok := strings.CutPrefix(r.Audience, "org="); ok {
							out = append(out, org)
						}
					}
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		})
	}
}

func (a *app) completeTenants(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	e, err := a.engine()
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	cfg, err := e.LoadConfig()
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	return cfg.Names(), cobra.ShellCompDirectiveNoFileComp
}

func (a *app) fromStatus(pick func(session.Status) []string) []string {
	e, err := a.engine()
	if err != nil {
		return nil
	}
	rows, err := e.Status(context.Background())
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, r := range rows {
		for _, v := range pick(r) {
			if v != "" && !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	return out
}
