package session

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
)

// git's credential helper protocol (git help credential): key=value lines
// on stdin up to a blank line; get answers username and password; store
// and erase have nothing to do, since the token lives in latch's store.
//
// A host is served by the profile whose git_hosts lists it. For any other
// host there is no answer, so git asks its next helper. No browser is ever
// opened (git may run where nobody can sign in), and no token is sent over
// http except to a loopback host.

const (
	maxCredentialInput = 64 << 10
	// GitUsername is the user name git sends with the token; services that
	// take a bearer token as the Basic password ignore it.
	GitUsername = "latch"
	// minGitTTL leaves a clone or push time to finish with the token.
	minGitTTL = 5 * time.Minute
)

// ErrGitInsecure: git asked for a token over plain http to another machine.
var ErrGitInsecure = errors.New("not sending a token over plain http: only https (or http to this machine)")

// GitRequest is what git sends: its attributes by name (the last value
// wins; multi-valued ones such as wwwauth[] are not needed).
type GitRequest map[string]string

// ReadGitRequest reads git's request, bounded.
func ReadGitRequest(r io.Reader) (GitRequest, error) {
	req := GitRequest{}
	sc := bufio.NewScanner(io.LimitReader(r, maxCredentialInput))
	sc.Buffer(make([]byte, 0, 4096), maxCredentialInput)
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" {
			break
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("git sent a line that is not key=value: %q", line)
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

// GitAnswer is what latch tells git: the password is the access token.
type GitAnswer struct {
	Profile, Username, Password string
	Expiry                      time.Time
}

// GitCredential answers git's get: nil with no error when no profile lists
// the host. Token errors name the profile in a *SignInRequiredError.
func (e *Engine) GitCredential(ctx context.Context, req GitRequest) (*GitAnswer, error) {
	cfg, err := e.LoadConfig()
	if err != nil {
		return nil, err
	}
	host := req["host"]
	name, err := gitProfile(cfg, host)
	if err != nil || name == "" {
		return nil, err
	}
	if proto := req["protocol"]; proto != "https" && !(proto == "http" && isLoopbackHostPort(host)) {
		return nil, fmt.Errorf("%w (%s to %s)", ErrGitInsecure, proto, host)
	}
	t, err := e.Token(ctx, Selector{Tenant: name}, TokenOptions{MinTTL: minGitTTL})
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(t.Access.AccessToken, "\n\x00") {
		return nil, errors.New("the access token holds a newline or NUL, which git's protocol cannot carry")
	}
	user := req["username"]
	if user == "" || strings.ContainsAny(user, "\n\x00") {
		user = GitUsername
	}
	return &GitAnswer{Profile: name, Username: user, Password: t.Access.AccessToken, Expiry: t.Access.Expiry}, nil
}

// gitProfile is the profile whose git_hosts lists host: "" when none does,
// an error when several do.
func gitProfile(c *Config, host string) (string, error) {
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
	return "", fmt.Errorf("host %s is in git_hosts of several tenants (%s): keep it in one", host, strings.Join(found, ", "))
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
