package session

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	toml "github.com/pelletier/go-toml/v2"
)

// Config is the TOML file at os.UserConfigDir()/latch/config.toml, or
// $LATCH_CONFIG.
type Config struct {
	// Default is the profile used when no tenant is named.
	Default string              `toml:"default,omitempty" json:"default,omitempty"`
	Tenants map[string]*Profile `toml:"tenants" json:"tenants"`
}

// Profile is one tenant as the user configured it.
type Profile struct {
	Issuer         string   `toml:"issuer" json:"issuer"`
	ClientID       string   `toml:"client_id" json:"client_id"`
	Scopes         []string `toml:"scopes,omitempty" json:"scopes,omitempty"`
	Resources      []string `toml:"resources,omitempty" json:"resources,omitempty"`
	Prompt         string   `toml:"prompt,omitempty" json:"prompt,omitempty"`
	RedirectHost   string   `toml:"redirect_host,omitempty" json:"redirect_host,omitempty"`
	RedirectPort   int      `toml:"redirect_port,omitempty" json:"redirect_port,omitempty"`
	CAFile         string   `toml:"ca_file,omitempty" json:"ca_file,omitempty"`
	AllowedTenants []string `toml:"allowed_tenants,omitempty" json:"allowed_tenants,omitempty"`
	Store          string   `toml:"store,omitempty" json:"store,omitempty"`
	BrowserCommand string   `toml:"browser_command,omitempty" json:"browser_command,omitempty"`
	// AudienceParam names the parameter an API resource is sent in:
	// "resource" (RFC 8707) or "audience" (Auth0, Okta, Hydra). Empty means
	// what is known of the provider.
	AudienceParam string `toml:"audience_param,omitempty" json:"audience_param,omitempty"`
	// InsecureAllowHTTP allows a plain-http issuer that is not loopback.
	InsecureAllowHTTP bool `toml:"insecure_allow_http,omitempty" json:"insecure_allow_http,omitempty"`
	// GitHosts are the hosts latch answers git credential requests for.
	GitHosts []string `toml:"git_hosts,omitempty" json:"git_hosts,omitempty"`

	// Name is the profile's name (the table key), not stored.
	Name string `toml:"-" json:"name"`
	// DiscoveryDir overrides the discovery cache (the demo keeps its own).
	DiscoveryDir string `toml:"-" json:"-"`
}

// ConfigPath is $LATCH_CONFIG, else config.toml in the user config dir.
func ConfigPath() (string, error) {
	if p := os.Getenv("LATCH_CONFIG"); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no config directory (%w): set LATCH_CONFIG", err)
	}
	return filepath.Join(dir, "latch", "config.toml"), nil
}

// LoadConfig reads the config file at path; a missing file is an empty
// config.
func LoadConfig(path string) (*Config, error) {
	c := &Config{Tenants: map[string]*Profile{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, err
	}
	if err := toml.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if c.Tenants == nil {
		c.Tenants = map[string]*Profile{}
	}
	for name, p := range c.Tenants {
		if p == nil {
			delete(c.Tenants, name)
			continue
		}
		p.Name = name
	}
	return c, nil
}

// SaveConfig writes the config atomically (0600).
func SaveConfig(path string, c *Config) error {
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

// Names are the profile names, sorted.
func (c *Config) Names() []string {
	out := make([]string, 0, len(c.Tenants))
	for n := range c.Tenants {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
