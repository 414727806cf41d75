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
	"github.com/spf13/cobra"
)

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
	var jwks []byte
	if jwksFile != "" {
		var err error
		if jwks, err = session.ReadJWKS(jwksFile); err != nil {
			return fmt.Errorf("--jwks: %w", err)
		}
	}
	e, err := a.engine()
	if err != nil {
		return err
	}
	in, err := e.Inspect(ctx, a.sel, raw, jwks)
	if err != nil {
		return err
	}
	if a.json() {
		return writeJSON(a.stdout, inspectJSON(in))
	}
	return writeInspection(a.stdout, in, time.Now())
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
	writeFields(tw, in.Header, now, auth.HeaderMeaning)
	fmt.Fprintln(tw, "Claims")
	writeFields(tw, in.Claims, now, auth.ClaimMeaning)
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
		fmt.Fprintf(w, "  %s\t%s\t%s\n", safeText(n), safeText(auth.ClaimValue(n, fields[n], now)), meaning(n))
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
