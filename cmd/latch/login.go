package main

import (
	"context"
	"fmt"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/auth/session"
	"github.com/spf13/cobra"
)

func (a *app) loginCommand() *cobra.Command {
	var o session.SignInOptions
	var paste bool
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in in the browser and store the tokens",
		Example: `  latch login --tenant acme
  latch login --issuer https://acme.logto.app/oidc --client-id abc123
  latch login --tenant acme --direct-sign-in sso:entra-connector --login-hint ada@contoso.com
  latch login --tenant acme --resource https://api.acme.dev`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// In a terminal, a redirect URL pasted from a browser on another
			// machine (SSH) is accepted alongside the loopback redirect.
			if paste || a.stdinIsTerminal() {
				o.Paste = a.in
			}
			return a.login(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&o.Scopes, "scope", nil, "scopes (default: openid profile email offline_access)")
	fl.StringArrayVar(&o.Resources, "resource", nil, "API resource indicator (RFC 8707); repeatable")
	fl.StringVar(&o.Prompt, "prompt", "", "prompt parameter (default consent, which Logto needs for a refresh token)")
	fl.StringVar(&o.LoginHint, "login-hint", "", "pre-fill the sign-in identifier")
	fl.StringVar(&o.FirstScreen, "first-screen", "", "Logto first screen: sign_in, register, ...")
	fl.StringVar(&o.DirectSignIn, "direct-sign-in", "", "Logto direct sign-in, e.g. sso:<connector-id> or social:google")
	fl.StringVar(&o.Identifier, "identifier", "", "Logto identifier types to show (email, phone, username)")
	fl.StringVar(&o.UILocales, "ui-locales", "", "preferred languages of the sign-in page")
	fl.StringVar(&o.RedirectHost, "redirect-host", "", "loopback host of the redirect URI: 127.0.0.1, localhost or [::1]")
	fl.IntVar(&o.RedirectPort, "redirect-port", 0, "loopback port (default: any free port; providers that match redirect URIs exactly need a fixed one)")
	fl.DurationVar(&o.Timeout, "timeout", auth.DefaultTimeout, "how long to wait for the browser")
	fl.BoolVar(&o.NoBrowser, "no-browser", false, "do not open a browser; print the URL to open elsewhere")
	fl.StringArrayVar(&o.Orgs, "org", nil, "Logto organization to get a token for (adds urn:logto:scope:organizations); repeatable")
	fl.BoolVar(&o.Device, "device", false, "device code flow (RFC 8628): approve on another device, no loopback needed")
	fl.StringVar(&o.TenantID, "tenant-id", "", "multi-tenant profiles (Entra /common): sign in to this directory")
	fl.StringVar(&o.BrowserCommand, "browser-command", "", "command that opens the sign-in URL (default: the profile's browser_command, $BROWSER, then the system's)")
	fl.BoolVar(&paste, "paste", false, "read a pasted redirect URL (or code) from stdin even when it is not a terminal")
	return cmd
}

func (a *app) login(ctx context.Context, o session.SignInOptions) error {
	e, err := a.engine()
	if err != nil {
		return err
	}
	o.Progress = a.printStep
	s, err := e.SignIn(ctx, a.sel, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "✓ Signed in to %s as %s\n  stored in the %s under %s\n",
		safeText(s.Record.Tenant), safeText(s.Identity.Display()), s.Store, safeText(string(s.Record.Key)))
	return nil
}

// printStep shows sign-in progress on stderr. The URL is always printed, so
// a browser that did not open is never a dead end.
func (a *app) printStep(s auth.Step) {
	w := a.stderr
	detail, url := safeText(s.Detail), safeText(s.URL)
	switch s.Kind {
	case auth.StepDiscovery:
		if s.Cached {
			fmt.Fprintf(w, "✓ Discovery (cached): %s\n", detail)
		} else {
			fmt.Fprintf(w, "✓ Discovery: %s\n", detail)
		}
	case auth.StepListener:
		fmt.Fprintf(w, "✓ Listening for the redirect on %s\n", detail)
	case auth.StepBrowser:
		fmt.Fprintf(w, "✓ Opened the browser. If it did not appear, open:\n  %s\n", url)
	case auth.StepBrowserFailed:
		fmt.Fprintf(w, "! Could not open a browser (%s). Open this URL to sign in:\n  %s\n", detail, url)
	case auth.StepWaiting:
		fmt.Fprintf(w, "… Waiting for the sign-in (until %s, Ctrl-C cancels)\n", s.Deadline.Format("15:04:05"))
		if s.Paste {
			fmt.Fprintln(w, "  If the browser is on another machine, paste the address it ends on (http://127.0.0.1:…/callback?…) here and press Enter.")
		}
	case auth.StepPasteRejected:
		fmt.Fprintf(w, "! That paste was not used: %s. Paste the whole address again, or wait for the redirect.\n", detail)
	case auth.StepDeviceApproved:
		fmt.Fprintln(w, "✓ Device code approved")
	case auth.StepTokensIssued:
		fmt.Fprintln(w, "✓ Tokens issued")
	case auth.StepDeviceCode:
		fmt.Fprintf(w, "! On any device, open\n  %s\n  and enter the code %s (until %s, Ctrl-C cancels)\n", url, detail, s.Deadline.Format("15:04:05"))
	case auth.StepCallback:
		fmt.Fprintln(w, "✓ Callback received")
	case auth.StepExchange:
		fmt.Fprintln(w, "✓ Code exchanged")
	case auth.StepVerified:
		fmt.Fprintf(w, "✓ ID token verified (%s, issuer %s)\n", detail, safeText(s.Identity.Issuer))
	}
}
