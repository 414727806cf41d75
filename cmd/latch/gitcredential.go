package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/latchdev/latch/auth/session"
	"github.com/spf13/cobra"
)

func (a *app) gitCredentialCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "git-credential get|store|erase",
		Short: "git credential helper: the profile's access token for the hosts in its git_hosts",
		Example: `  git config --global credential.https://dev.azure.com.helper '!latch git-credential'
  # config.toml: [tenants.acme] ... git_hosts = ["dev.azure.com"]`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			req, err := session.ReadGitRequest(cmd.InOrStdin())
			if err != nil || args[0] != "get" {
				return err
			}
			e, err := a.engine()
			if err != nil {
				return err
			}
			ans, err := e.GitCredential(cmd.Context(), req)
			var sr *session.SignInRequiredError
			switch {
			case errors.Is(err, session.ErrGitInsecure):
				// git goes on to its other helpers.
				fmt.Fprintln(a.stderr, "latch: "+safeText(err.Error()))
				return nil
			case errors.As(err, &sr):
				a.sel = sr.Selector
				return fmt.Errorf("%w (git asked for %s)", err, safeText(req["host"]))
			case err != nil || ans == nil:
				return err
			}
			out := "username=" + ans.Username + "\npassword=" + ans.Password + "\n"
			if !ans.Expiry.IsZero() {
				out += fmt.Sprintf("password_expiry_utc=%d\n", ans.Expiry.Unix())
			}
			_, err = io.WriteString(a.stdout, out)
			return err
		},
	}
}
