package session

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzConfig: any config file either loads or is refused with an error;
// resolving any selector against what loaded never panics.
func FuzzConfig(f *testing.F) {
	for _, seed := range []string{
		"[tenants.acme]\nissuer = \"https://acme.logto.app/oidc\"\nclient_id = \"abc\"\n",
		"default = \"acme\"\n[tenants.acme]\n",
		"[tenants]\nacme = 1\n",
		"tenants = []\n",
		"[tenants.\"\\u001b]52;c;aGk=\\u0007\"]\nissuer = \"https://x/\"\nclient_id = \"\\n\"\n",
		"[tenants.a]\nredirect_port = 99999999999999999999\n",
		"[tenants.a]\nscopes = [1, 2]\n",
	} {
		f.Add([]byte(seed), "acme", "")
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, tenant, issuer string) {
		path := filepath.Join(dir, "config.toml")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Skip()
		}
		c, err := LoadConfig(path)
		if err != nil {
			return
		}
		p, err := c.Resolve(Selector{Tenant: tenant, Issuer: issuer})
		if err == nil && (p.Issuer == "" || p.ClientID == "" || p.Name == "") {
			t.Fatalf("resolved an incomplete profile: %+v", p)
		}
	})
}
