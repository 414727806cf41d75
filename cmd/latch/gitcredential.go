package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/auth/session"
	"github.com/latchdev/latch/tokencache"
	"github.com/spf13/cobra"
)

// git's credential helper protocol (git help credential): key=value lines
// on stdin up to a blank line; get answers username and password; store
// and erase have nothing to do, since the token lives in latch's store.
//
// A host is served by the profile whose git_hosts lists it. For any other
// host latch prints nothing and exits 0, so git asks its next helper. It
// never opens a browser (git may run where nobody can sign in) and never
// sends a token over http except to a loopback host.

const (
	maxCredentialInput = 64 << 10
	// gitUsername is the user name git sends with the token; services that
	// take a bearer token as the Basic password ignore it.
	gitUsername = "latch"
)

func (a *app) gitCredentialCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "git-credential get|store|erase",
		Short: "git credential helper: the profile's access token for the hosts in its git_hosts",
		Example: `  git config --global credential.https://dev.azure.com.helper '!latch git-credential'
  # config.toml: [tenants.acme] ... git_hosts = ["dev.azure.com"]`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			req, err := readCredentialRequest(cmd.InOrStdin())
			if err != nil {
				return err
			}
			if args[0] != "get" {
				return nil
			}
			return a.gitCredentialGet(cmd.Context(), req)
		},
	}
}

// credentialRequest is what git sends: its attributes by name (the last
// value wins; multi-valued ones such as wwwauth[] are not needed).
type credentialRequest map[string]string

func readCredentialRequest(r io.Reader) (credentialRequest, error) {
	req := credentialRequest{}
	sc := bufio.NewScanner(io.LimitReader(r, maxCredentialInput))
	sc.Buffer(make([]byte, 0, 4096), maxCredentialInput)
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" {
			break
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("git sent a line that is not key=value: %q", safeText(line))
		}
		req[k] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading git's request: %w", err)
	}
	if u := req["url"]; u != "" {
		pu, err := url.Parse(u)
		if err != nil {
			return nil, fmt.Errorf("git sent an unreadable url: %w", err)
		}
		req["protocol"], req["host"] = pu.Scheme, pu.Host
	}
	return req, nil
}

func (a *app) gitCredentialGet(ctx context.Context, req credentialRequest) error {
	e, err := a.engine()
	if err != nil {
		return err
	}
	cfg, err := e.LoadConfig()
	if err != nil {
		return err
	}
	name, err := gitProfile(cfg, req["host"])
	if err != nil || name == "" {
		return err
	}
	host := req["host"]
	if proto := req["protocol"]; proto != "https" && !(proto == "http" && isLoopbackHostPort(host)) {
		fmt.Fprintf(a.stderr, "latch: not sending a token to %s over %s: only https (or http to this machine)\n", safeText(host), safeText(proto))
		return nil
	}
	a.sel = session.Selector{Tenant: name}
	t, err := e.Token(ctx, a.sel, session.TokenOptions{MinTTL: minGitTTL})
	if err != nil {
		return gitSignIn(err, host)
	}
	at := t.Access
	if strings.ContainsAny(at.AccessToken, "\n\x00") {
		return errors.New("the access token holds a newline or NUL, which git's protocol cannot carry")
	}
	user := req["username"]
	if user == "" || strings.ContainsAny(user, "\n\x00") {
		user = gitUsername
	}
	out := "username=" + user + "\npassword=" + at.AccessToken + "\n"
	if !at.Expiry.IsZero() {
		out += fmt.Sprintf("password_expiry_utc=%d\n", at.Expiry.Unix())
	}
	_, err = io.WriteString(a.stdout, out)
	return err
}

// minGitTTL leaves a clone or push time to finish with the token.
const minGitTTL = 5 * time.Minute

func gitSignIn(err error, host string) error {
	if errors.Is(err, tokencache.ErrSignInRequired) {
		return fmt.Errorf("%w (git asked for %s)", err, safeText(host))
	}
	return err
}

// gitProfile is the profile whose git_hosts lists host: "" when none does,
// an error when several do.
func gitProfile(c *session.Config, host string) (string, error) {
	var found []string
	for _, name := range c.Names() {
		for _, h := range c.Tenants[name].GitHosts {
			if hostMatches(h, host) {
				found = append(found, name)
				break
			}
		}
	}
	switch len(found) {
	case 0:
		return "", nil
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("host %s is in git_hosts of several tenants (%s): keep it in one", safeText(host), strings.Join(found, ", "))
}

// hostMatches compares a git_hosts entry with git's host: exactly, or by
// host name alone when the entry names no port.
func hostMatches(entry, host string) bool {
	entry, host = strings.ToLower(entry), strings.ToLower(host)
	if entry == host {
		return true
	}
	if _, _, err := net.SplitHostPort(entry); err == nil {
		return false
	}
	name, _, err := net.SplitHostPort(host)
	return err == nil && strings.Trim(entry, "[]") == name
}

func isLoopbackHostPort(host string) bool {
	if name, _, err := net.SplitHostPort(host); err == nil {
		host = name
	}
	return auth.IsLoopbackHost(strings.Trim(host, "[]"))
}
