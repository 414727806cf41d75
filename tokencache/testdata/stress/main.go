// Command stress refreshes one session in a loop, as latch token
// --refresh would, against a token endpoint that rotates refresh tokens.
// The kill -9 test in package tokencache runs it and kills it at random
// points. It prints "ok N" after each refresh and exits 0 when SIGINT or
// SIGTERM ends the loop.
//
// Environment: LATCH_STRESS_URL (token endpoint), LATCH_STRESS_DIR (state
// dir), LATCH_STRESS_KEY (record key), LATCH_STRESS_SERVICE (keyring
// service); LATCH_KEYRING_LIMIT forces chunking.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/latchdev/latch/auth"
	"github.com/latchdev/latch/tokencache"
	"golang.org/x/oauth2"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c := &tokencache.Cache{Store: tokencache.NewKeyring(os.Getenv("LATCH_STRESS_SERVICE"), 0), Dir: os.Getenv("LATCH_STRESS_DIR")}
	key := tokencache.Key(os.Getenv("LATCH_STRESS_KEY"))
	refresh := endpoint(os.Getenv("LATCH_STRESS_URL"))
	for n := 1; ctx.Err() == nil; n++ {
		x, err := c.Index()
		if err != nil {
			fail(err)
		}
		e := x.Records[key]
		if e == nil {
			fail(fmt.Errorf("no index entry for the session (problems: %q)", x.Problems))
		}
		_, _, err = c.Token(ctx, tokencache.TokenRequest{Entry: e, ForceRefresh: true}, refresh)
		if err != nil && ctx.Err() == nil {
			fail(err)
		}
		if err == nil {
			fmt.Println("ok", n)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "stress:", err)
	os.Exit(1)
}

// endpoint is a refresh against the test's token endpoint.
func endpoint(u string) tokencache.RefreshFunc {
	return func(ctx context.Context, r *tokencache.Record, _ auth.Audience) (*auth.Tokens, error) {
		req, err := http.NewRequestWithContext(ctx, "POST", u, strings.NewReader(url.Values{"refresh_token": {r.RefreshToken}}.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			return nil, &oauth2.RetrieveError{Response: resp, Body: body, ErrorCode: "invalid_grant"}
		}
		var t struct {
			AccessToken  string `json:"access_token"`
			RefreshToken string `json:"refresh_token"`
			ExpiresIn    int    `json:"expires_in"`
		}
		if err := json.Unmarshal(body, &t); err != nil {
			return nil, err
		}
		return &auth.Tokens{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, Expiry: time.Now().Add(time.Duration(t.ExpiresIn) * time.Second)}, nil
	}
}
