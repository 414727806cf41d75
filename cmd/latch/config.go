package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/latchdev/latch/auth"

	toml "github.com/pelletier/go-toml/v2"
)

// Config is the TOML file at os.UserConfigDir()/latch/config.toml, or
// $LATCH_CONFIG.
type Config struct {
	// Default is the profile used when --tenant is not given.
	Default string              `toml:"default,omitempty"`
	Tenants map[string]*Profile `toml:"tenants"`
}

// Profile is one tenant as the user configured it.
type Profile struct {
	Issuer         string   `toml:"issuer"`
	ClientID       string   `toml:"client_id"`
	Scopes         []string `toml:"scopes,omitempty"`
	Resources      []string `toml:"resources,omitempty"`
	Prompt         string   `toml:"prompt,omitempty"`
	RedirectHost   string   `toml:"redirect_host,omitempty"`
	RedirectPort   int      `toml:"redirect_port,omitempty"`
	CAFile         string   `toml:"ca_file,omitempty"`
	AllowedTenants []string `toml:"allowed_tenants,omitempty"`
	Store          string   `toml:"store,omitempty"`
	// GitHosts are the hosts (host or host:port) latch git-credential
	// answers for with this profile's access token.
	GitHosts []string `toml:"git_hosts,omitempty"`

	// Name is the profile's name (the table key), not stored.
	Name string `toml:"-"`
	// discoveryDir overrides the discovery cache (the demo keeps its own).
	discoveryDir string
}

func configPath() (string, error) {
	if p := os.Getenv("LATCH_CONFIG"); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no config directory (%w): set LATCH_CONFIG", err)
	}
	return filepath.Join(dir, "latch", "config.toml"), nil
}

func loadConfig() (*Config, string, error) {
	path, err := configPath()
	if err != nil {
		return nil, "", err
	}
	c := &Config{Tenants: map[string]*Profile{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, path, nil
	}
	if err != nil {
		return nil, path, err
	}
	if err := toml.Unmarshal(b, c); err != nil {
		return nil, path, fmt.Errorf("config %s: %w", path, err)
	}
	if c.Tenants == nil {
		c.Tenants = map[string]*Profile{}
	}
	for name, p := range c.Tenants {
		p.Name = name
	}
	return c, path, nil
}

func saveConfig(path string, c *Config) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, err := toml.Marshal(c)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func (c *Config) names() []string {
	var out []string
	for n := range c.Tenants {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// profileFlags are the flags that can name or define a profile.
type profileFlags struct {
	tenant, issuer, clientID, account string
}

// resolve picks the profile: --tenant from the config (flags override its
// issuer and client id), or one defined by --issuer and --client-id alone,
// or the config's default, or its only tenant.
func (c *Config) resolve(f profileFlags) (*Profile, error) {
	name := f.tenant
	if name == "" && f.issuer == "" {
		name = c.Default
		if name == "" && len(c.Tenants) == 1 {
			name = c.names()[0]
		}
	}
	p := &Profile{}
	if name != "" {
		if found, ok := c.Tenants[name]; ok {
			cp := *found
			p = &cp
		} else if f.issuer == "" {
			known := "none yet"
			if len(c.Tenants) > 0 {
				known = strings.Join(c.names(), ", ")
			}
			return nil, fmt.Errorf("no tenant %q in the config: add it with latch tenant add %s --issuer URL --client-id ID (known: %s)", name, name, known)
		}
	}
	if f.issuer != "" {
		p.Issuer = f.issuer
	}
	if f.clientID != "" {
		p.ClientID = f.clientID
	}
	if p.Issuer == "" {
		return nil, errors.New("no tenant: pass --tenant NAME (see latch tenant ls) or --issuer URL --client-id ID")
	}
	if err := checkIssuer(p.Issuer); err != nil {
		return nil, err
	}
	if p.ClientID == "" {
		return nil, fmt.Errorf("no client id for %s: pass --client-id (the Logto app ID)", p.Issuer)
	}
	if name == "" {
		name = strings.TrimSuffix(p.Issuer, "/") + "#" + p.ClientID
	}
	p.Name = name
	return p, nil
}

// checkIssuer refuses what cannot be an issuer before any request is made.
func checkIssuer(issuer string) error {
	u, err := url.Parse(issuer)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("issuer %q is not a URL: for Logto use https://<tenant>.logto.app/oidc", issuer)
	}
	return nil
}

// audience is what a token request means when it names none: the profile's
// first API resource, if it has one (the token its login asked for), else
// the default token.
func (p *Profile) audience(resource, org string) auth.Audience {
	if resource == "" && org == "" && len(p.Resources) > 0 {
		resource = p.Resources[0]
	}
	return auth.Audience{Resource: resource, Organization: org}
}
