package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/auth/session"
	"github.com/latchdev/latch/tui"
	"github.com/spf13/cobra"
)

// inspectTimeout bounds the discovery and key requests of one inspect.
const inspectTimeout = 15 * time.Second

// headerMeaning says what a JOSE header field means (a switch, not a map:
// no work at start-up for commands that never inspect).
func headerMeaning(name string) string {
	switch name {
	case "alg":
		return "signature algorithm"
	case "kid":
		return "id of the issuer's key that signed it"
	case "typ":
		return "token type"
	case "cty":
		return "content type"
	case "x5t":
		return "thumbprint of the signing certificate"
	case "jku":
		return "key set URL the token names (never fetched)"
	case "x5u":
		return "certificate URL the token names (never fetched)"
	}
	return ""
}

func (a *app) inspectCommand() *cobra.Command {
	var jwks string
	cmd := &cobra.Command{
		Use:   "inspect [TOKEN|-]",
		Short: "Decode any JWT, verify it against its issuer's keys when reachable, claims with meanings",
		Example: `  latch inspect eyJhbGciOi...
  latch token --tenant acme --id-token | latch inspect
  latch inspect --jwks keys.json - < token.txt
  latch inspect --tenant acme -o json "$TOKEN"`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			raw := "-"
			if len(args) == 1 {
				raw = args[0]
			}
			return a.inspect(cmd.Context(), raw, jwks, cmd.InOrStdin())
		},
	}
	cmd.Flags().StringVar(&jwks, "jwks", "", "verify against this JWKS file (offline) instead of the issuer's keys")
	return cmd
}

func (a *app) inspect(ctx context.Context, raw, jwksFile string, stdin io.Reader) error {
	if raw == "-" {
		if f, ok := stdin.(*os.File); ok && term.IsTerminal(f.Fd()) {
			fmt.Fprintln(a.stderr, "Paste the token, then press Ctrl-D.")
		}
		b, err := io.ReadAll(io.LimitReader(stdin, auth.MaxTokenSize+1))
		if err != nil {
			return fmt.Errorf("reading the token from stdin: %w", err)
		}
		raw = string(b)
	}
	opts, err := a.inspectOptions(jwksFile)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, inspectTimeout)
	defer cancel()
	in, err := auth.Inspect(ctx, raw, opts)
	if err != nil {
		return err
	}
	if a.json() {
		return writeJSON(a.stdout, inspectJSON(in))
	}
	return writeInspection(a.stdout, in, time.Now())
}

// inspectOptions picks the keys: --jwks, else the profile when one is named
// by flags, else the token's own issuer.
func (a *app) inspectOptions(jwksFile string) (auth.InspectOptions, error) {
	var o auth.InspectOptions
	if jwksFile != "" {
		b, err := readBounded(jwksFile, 1<<20)
		if err != nil {
			return o, fmt.Errorf("--jwks: %w", err)
		}
		o.JWKS = b
		return o, nil
	}
	e, err := a.engine()
	if err != nil {
		return o, err
	}
	if a.sel.Tenant != "" || a.sel.Issuer != "" {
		p, err := e.Resolve(a.sel)
		if err != nil {
			return o, err
		}
		if o.Provider, err = e.AuthConfig(p); err != nil {
			return o, err
		}
		return o, nil
	}
	cfg, err := e.AuthConfig(&session.Profile{})
	if err != nil {
		return o, err
	}
	o.HTTPClient, o.CacheDir = cfg.HTTPClient, cfg.CacheDir
	return o, nil
}

// readBounded reads a file of at most limit bytes.
func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, limit)
	}
	return b, nil
}

func inspectJSON(in *auth.Inspection) map[string]any {
	out := map[string]any{
		"header": in.Header, "claims": in.Claims, "verified": in.Verified,
		"issuer": in.Issuer, "kid": in.KeyID, "alg": in.Alg, "keys_from": in.KeysFrom,
	}
	if in.VerifyError != nil {
		out["verify_error"] = in.VerifyError.Error()
	}
	return out
}

func writeInspection(w io.Writer, in *auth.Inspection, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "Header")
	writeFields(tw, in.Header, now, headerMeaning)
	fmt.Fprintln(tw, "Claims")
	writeFields(tw, in.Claims, now, tui.ClaimMeaning)
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, verdict(in, now))
	return err
}

func writeFields(w io.Writer, fields map[string]any, now time.Time, meaning func(string) string) {
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %s\t%s\t%s\n", safeText(n), safeText(tui.ClaimValue(n, fields[n], now)), meaning(n))
	}
}

// verdict is the signature line: verified with what, or NOT verified and why.
func verdict(in *auth.Inspection, now time.Time) string {
	if !in.Verified {
		return "Signature: NOT verified: " + safeText(verifyReason(in.VerifyError))
	}
	s := fmt.Sprintf("Signature: verified (%s, kid %s, keys from %s)", safeText(in.Alg), safeText(in.KeyID), safeText(in.KeysFrom))
	if exp, ok := in.Claims["exp"].(float64); ok && time.Unix(int64(exp), 0).Before(now) {
		s += "; the token has expired"
	}
	return s
}

// verifyReason turns why a token did not verify into one line for a person.
func verifyReason(err error) string {
	switch {
	case errors.Is(err, auth.ErrUnsigned):
		return err.Error() + ": anyone could have written it"
	case errors.Is(err, auth.ErrIssuerNotFetchable), errors.Is(err, auth.ErrNoIssuer):
		return err.Error() + "; pass --jwks FILE or --tenant NAME to verify it"
	}
	return strings.TrimSpace(err.Error())
}
