package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/auth/session"
	"github.com/latchdev/latch/tokencache"
)

const execCredentialOutput = "exec-credential"

func (a *app) execCredential(ctx context.Context, f tokenFlags) error {
	e, err := a.engine()
	if err != nil {
		return err
	}
	interactive := session.ExecInteractive(os.Getenv("KUBERNETES_EXEC_INFO"))
	access := f.access || f.Resource != ""
	tok, exp, err := e.KubeToken(ctx, a.sel, f.TokenOptions, access)
	if errors.Is(err, tokencache.ErrSignInRequired) {
		if !interactive {
			// The sentence is the advice: no second hint line.
			return hinted{fmt.Errorf("%w: kubectl cannot sign you in from here, run %s in a terminal and try again", tokencache.ErrSignInRequired, a.loginCommandLine()), ""}
		}
		if err = a.login(ctx, session.SignInOptions{Timeout: auth.DefaultTimeout}); err != nil {
			return err
		}
		tok, exp, err = e.KubeToken(ctx, a.sel, f.TokenOptions, access)
	}
	if err != nil {
		return err
	}
	return json.NewEncoder(a.stdout).Encode(session.NewExecCredential(tok, exp, interactive))
}

// profileArgs are the flags that name the current profile, to repeat in a
// command latch prints or writes for later.
// login takes no --account: it signs in whoever the browser says.
func (a *app) profileArgs(withAccount bool) []string {
	flags := []struct{ name, value string }{
		{"--tenant", a.sel.Tenant}, {"--issuer", a.sel.Issuer}, {"--client-id", a.sel.ClientID},
	}
	if withAccount {
		flags = append(flags, struct{ name, value string }{"--account", a.sel.Account})
	}
	var args []string
	for _, f := range flags {
		if f.value != "" {
			args = append(args, f.name, f.value)
		}
	}
	return args
}
