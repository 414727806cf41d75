package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/latchdev/latch/auth/demoidp"
)

// Tour runs the demo on one tenant as one user, through the same engine
// calls as the commands, telling step each result: ok, and a sentence.
func (d *Demo) Tour(ctx context.Context, name, user string, step func(ok bool, format string, args ...any)) {
	d.Engine.OpenBrowser = demoBrowser(user)
	in, err := d.Engine.SignIn(ctx, Selector{Tenant: name}, SignInOptions{Timeout: 30 * time.Second})
	if err != nil {
		step(false, "sign-in: %v", err)
		return
	}
	rec, id := in.Record, in.Identity
	sel := Selector{Tenant: name, Account: rec.Subject}
	step(true, "signed in as %s (%s kid %s), PKCE S256 + state + nonce + iss checked", id.Display(), id.Algorithm, id.KeyID)
	step(true, "stored under %s", rec.Key)
	if rec.Alias != "" {
		step(rec.Tenant != rec.Alias, "keyed by the real tenant %s (tid %s), not by %s, which is remembered as its alias", rec.Tenant, id.TenantID, rec.Alias)
	}

	before := d.Server.Requests()
	t, err := d.Engine.Token(ctx, sel, TokenOptions{MinTTL: time.Second})
	step(err == nil && t.Access.AccessToken == rec.Access[0].AccessToken && d.Server.Requests() == before,
		"latch token again: served from the cache with %d requests to the provider", d.Server.Requests()-before)

	before = d.Server.Requests()
	fresh, err := d.Engine.Token(ctx, sel, TokenOptions{ForceRefresh: true})
	if err != nil {
		step(false, "refresh: %v", err)
		return
	}
	n, why := d.Server.Requests()-before, ""
	if n > 1 {
		why = " (first contact with the tenant's own authority: its discovery and keys, then the token)"
	}
	step(fresh.Record.RefreshToken != rec.RefreshToken, "refreshed at %s in %d request(s)%s; the refresh token rotated", fresh.Record.Tenant, n, why)

	if c, err := d.Engine.Claims(ctx, sel, ClaimsOptions{ID: true}); err != nil || c.ID.Err != nil {
		step(false, "claims: %v", errors.Join(err, claimErr(c)))
	} else {
		v := c.ID.Identity
		claims := fmt.Sprintf("sub=%s iss=%s", v.Subject, v.Issuer)
		if v.TenantID != "" {
			claims += " tid=" + v.TenantID
		}
		step(true, "claims verified: %s", claims)
	}

	_, err = d.Engine.SignOut(ctx, sel, SignOutOptions{})
	_, lerr := d.Engine.Session(ctx, sel)
	step(err == nil && errors.Is(lerr, ErrSignInRequired), "signed out: refresh token revoked, record deleted from the %s", d.Engine.Cache.Store.Name())
}

func claimErr(c *Claims) error {
	if c == nil {
		return nil
	}
	return c.ID.Err
}

// demoBrowser plays the person at the demo sign-in page, in the background.
func demoBrowser(user string) func(string) error {
	return func(authURL string) error {
		go demoidp.PickUser(authURL, user)
		return nil
	}
}
