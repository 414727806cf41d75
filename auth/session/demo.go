package session

import (
	"context"
	"os"
	"time"

	"github.com/latchdev/latch/auth/demoidp"
	"github.com/latchdev/latch/tokencache"
)

// DemoKeyringService keeps demo tokens apart from real ones.
const DemoKeyringService = "latch-demo"

// Demo is the demo provider and an engine of its own: the keyring under
// the service latch-demo (memory when there is no keyring), its index in a
// temporary directory, the demo tenants as its only profiles. The user's
// config is never touched.
type Demo struct {
	Server *demoidp.Server
	Engine *Engine
	// KeyringOK is false when no keyring answered and tokens stay in memory.
	KeyringOK bool
	tmp       string
}

// StartDemo starts the demo provider with tokens of the given lifetime.
func StartDemo(ctx context.Context, ttl time.Duration) (*Demo, error) {
	srv, err := demoidp.Start(ttl)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "latch-demo-")
	if err != nil {
		srv.Close()
		return nil, err
	}
	cache := &tokencache.Cache{Store: tokencache.NewKeyring(DemoKeyringService, 0), Dir: tmp}
	d := &Demo{Server: srv, tmp: tmp, KeyringOK: true}
	if err := cache.Probe(ctx); err != nil {
		d.KeyringOK = false
		cache.Store = tokencache.NewMemStore()
	}
	cfg := &Config{Tenants: map[string]*Profile{}}
	for _, name := range []string{"acme", "globex", "common"} {
		p := &Profile{Name: "demo-" + name, Issuer: srv.Issuer(name), ClientID: demoidp.ClientID}
		cfg.Tenants[p.Name] = p
	}
	d.Engine = &Engine{Cache: cache, DiscoveryDir: tmp, Config: func() (*Config, error) { return cfg, nil }}
	return d, nil
}

// Close signs every demo session out, stops the provider and removes the
// temporary directory.
func (d *Demo) Close() {
	d.Engine.SignOut(context.Background(), Selector{}, SignOutOptions{All: true})
	d.Server.Close()
	os.RemoveAll(d.tmp)
}
