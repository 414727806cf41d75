package session

import (
	"context"
	"fmt"
)

// AddOptions shape adding a profile.
type AddOptions struct {
	// Default makes it the default tenant.
	Default bool
	// Force re-points a profile that has sessions at another issuer or
	// client; its sessions are signed out first.
	Force bool
}

// AddTenant writes a profile into the config file. A profile that already
// has sessions and would now name another issuer or client is only
// replaced with Force, and then its sessions are signed out (revoked and
// deleted): a record is only ever served for the issuer and client that
// issued it.
func (e *Engine) AddTenant(ctx context.Context, name string, p Profile, o AddOptions) ([]SignedOut, error) {
	if e.ConfigPath == "" || e.Config != nil {
		return nil, ErrReadOnly
	}
	if name == "" || p.Issuer == "" || p.ClientID == "" {
		return nil, fmt.Errorf("%w: a tenant needs a name, an issuer and a client id", ErrNoTenant)
	}
	if err := CheckIssuer(p.Issuer); err != nil {
		return nil, err
	}
	if err := checkPlainHTTP(&p); err != nil {
		return nil, err
	}
	cfg, err := LoadConfig(e.ConfigPath)
	if err != nil {
		return nil, err
	}
	var out []SignedOut
	if old, ok := cfg.Tenants[name]; ok && (old.Issuer != p.Issuer || old.ClientID != p.ClientID) {
		entries, _, err := e.sessionsOf(name)
		if err != nil {
			return nil, err
		}
		if len(entries) > 0 && !o.Force {
			return nil, fmt.Errorf("%w: %s has %d session(s) at %s", ErrHasSessions, name, len(entries), old.Issuer)
		}
		if out, err = e.signOutProfile(ctx, old); err != nil {
			return out, err
		}
	}
	p.Name = name
	cfg.Tenants[name] = &p
	if o.Default {
		cfg.Default = name
	}
	return out, SaveConfig(e.ConfigPath, cfg)
}

// RemoveTenant deletes a profile from the config file after signing out
// its sessions (revoke and delete). With sessions and no force it refuses.
func (e *Engine) RemoveTenant(ctx context.Context, name string, force bool) ([]SignedOut, error) {
	if e.ConfigPath == "" || e.Config != nil {
		return nil, ErrReadOnly
	}
	cfg, err := LoadConfig(e.ConfigPath)
	if err != nil {
		return nil, err
	}
	p, ok := cfg.Tenants[name]
	if !ok {
		return nil, &UnknownTenantError{Name: name, Known: cfg.Names()}
	}
	entries, _, err := e.sessionsOf(name)
	if err != nil {
		return nil, err
	}
	if len(entries) > 0 && !force {
		return nil, fmt.Errorf("%w: %s has %d session(s)", ErrHasSessions, name, len(entries))
	}
	out, err := e.signOutProfile(ctx, p)
	if err != nil {
		return out, err
	}
	delete(cfg.Tenants, name)
	if cfg.Default == name {
		cfg.Default = ""
	}
	return out, SaveConfig(e.ConfigPath, cfg)
}

// UseTenant makes a profile the default.
func (e *Engine) UseTenant(name string) error {
	if e.ConfigPath == "" || e.Config != nil {
		return ErrReadOnly
	}
	cfg, err := LoadConfig(e.ConfigPath)
	if err != nil {
		return err
	}
	if _, ok := cfg.Tenants[name]; !ok {
		return &UnknownTenantError{Name: name, Known: cfg.Names()}
	}
	cfg.Default = name
	return SaveConfig(e.ConfigPath, cfg)
}
