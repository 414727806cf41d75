package auth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// recorder writes a script that records its arguments (one a line) to a
// file and makes noise on stdout and stderr first.
func recorder(t *testing.T, dir, name string, exit int) (script, out string) {
	t.Helper()
	script, out = filepath.Join(dir, name), filepath.Join(dir, name+".args")
	q := "'" + out + "'"
	body := "#!/bin/sh\necho noise; echo noise >&2\nprintf '%s\\n' \"$@\" > " + q + ".tmp && /bin/mv " + q + ".tmp " + q + "\nexit " + string(rune('0'+exit)) + "\n"
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	return script, out
}

// waitFile polls for a file with a deadline and returns its content.
func waitFile(t *testing.T, path string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if b, err := os.ReadFile(path); err == nil {
			return string(b)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never appeared: the opener did not run", filepath.Base(path))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestBrowserCommandGetsTheURL(t *testing.T) {
	dir := t.TempDir()
	script, out := recorder(t, dir, "open", 0)
	const u = "https://op.example/auth?a=1&b=$(id)&c=;ls"
	for _, tt := range []struct{ browser, want string }{
		{script, u + "\n"},
		{script + " --new-window %s", "--new-window\n" + u + "\n"},
		{script + " --flag:other-browser", "--flag\n" + u + "\n"},
	} {
		os.Remove(out)
		t.Setenv("BROWSER", tt.browser)
		if err := OpenBrowser(u); err != nil {
			t.Fatal(err)
		}
		if got := waitFile(t, out); got != tt.want {
			t.Fatalf("BROWSER=%q got args %q, want %q", tt.browser, got, tt.want)
		}
	}
	t.Setenv("BROWSER", filepath.Join(dir, "missing"))
	var be *BrowserError
	if err := OpenBrowser("https://op.example"); !errors.As(err, &be) || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("a missing browser command: %v", err)
	}
}

// The browser command a profile names beats $BROWSER; the URL is one
// argument, whatever shell characters it holds, and quotes group words.
func TestBrowserCommandBeatsBROWSER(t *testing.T) {
	dir := t.TempDir()
	env, envOut := recorder(t, dir, "env-browser", 0)
	cmd, cmdOut := recorder(t, dir, "my browser", 0)
	t.Setenv("BROWSER", env)
	// A backtick is not a URL character: such a URL is refused outright.
	if err := OpenBrowserWith(`"`+cmd+`"`, "https://op.example/?z=`id`"); !errors.Is(err, ErrUnsafeBrowserURL) {
		t.Fatalf("backtick URL: %v", err)
	}
	const ok = "https://op.example/auth?x='a'&y=$HOME&z=(id);ls"
	if err := OpenBrowserWith(`"`+cmd+`" --profile 'work one'`, ok); err != nil {
		t.Fatal(err)
	}
	if got, want := waitFile(t, cmdOut), "--profile\nwork one\n"+ok+"\n"; got != want {
		t.Fatalf("args %q, want %q", got, want)
	}
	if _, err := os.Stat(envOut); err == nil {
		t.Fatal("$BROWSER ran although a browser command was given")
	}
	if err := OpenBrowserWith(`"`+cmd, ok); err == nil || !strings.Contains(err.Error(), "unclosed quote") {
		t.Fatalf("unclosed quote: %v", err)
	}
}

// Launchers write to stdout and stderr; none of it reaches the terminal.
func TestLauncherOutputStaysOffTheTerminal(t *testing.T) {
	dir := t.TempDir()
	script, out := recorder(t, dir, "noisy", 0)
	t.Setenv("BROWSER", script)
	term := filepath.Join(dir, "terminal")
	f, err := os.Create(term)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stdout, stderr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = f, f
	err = OpenBrowser("https://op.example/")
	waitFile(t, out)
	os.Stdout, os.Stderr = stdout, stderr
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(term); len(b) != 0 {
		t.Fatalf("the launcher wrote to the terminal: %q", b)
	}
}

// Under WSL: wslview first, then the Windows opener through interop; when
// nothing works the error names every opener tried.
func TestWSLOpeners(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("WSL_DISTRO_NAME", "Debian")
	t.Setenv("BROWSER", "")
	t.Setenv("PATH", dir)
	const u = "https://op.example/auth?a=1&b=2"
	recorder(t, dir, "wslview", 1) // installed but failing
	_, rundll := recorder(t, dir, "rundll32.exe", 0)
	if err := OpenBrowser(u); err != nil {
		t.Fatal(err)
	}
	if got, want := waitFile(t, rundll), "url.dll,FileProtocolHandler\n"+u+"\n"; got != want {
		t.Fatalf("rundll32.exe args %q, want %q", got, want)
	}
	if got := waitFile(t, filepath.Join(dir, "wslview.args")); got != u+"\n" {
		t.Fatalf("wslview was not tried first with the URL: %q", got)
	}
	t.Setenv("PATH", t.TempDir())
	err := OpenBrowser(u)
	var be *BrowserError
	if !errors.As(err, &be) || len(be.Tried) != 3 {
		t.Fatalf("err = %v, want a BrowserError naming three openers", err)
	}
	for _, name := range []string{"wslview", "rundll32.exe", "xdg-open"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("the error does not name %s: %v", name, err)
		}
	}
}

func TestCheckBrowserURL(t *testing.T) {
	for _, tt := range []struct {
		url string
		ok  bool
	}{
		{"https://acme.logto.app/oidc/auth?client_id=a&state=b", true},
		{"http://127.0.0.1:8400/callback", true},
		{"http://127.9.8.7/", true},
		{"http://[::1]:3000/x", true},
		{"http://localhost:3000/oidc/auth", true},
		{"file:///etc/passwd", false},
		{"smb://evil.example/share", false},
		{"javascript:alert(1)", false},
		{"JAVASCRIPT:alert(1)", false},
		{"data:text/html,<script>alert(1)</script>", false},
		{"http://evil.example/auth", false},
		{"http://127.0.0.1.evil.example/auth", false},
		{"http://localhost.evil.example/auth", false},
		{"https:opaque", false},
		{"https:///no-host", false},
		{"/relative/auth", false},
		{"-https://flag", false},
		{"https://op.example/a b", false},
		{"https://op.example/\"quoted\"", false},
		{"https://op.example/\x00", false},
		{"", false},
	} {
		err := CheckBrowserURL(tt.url)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrUnsafeBrowserURL)) {
			t.Errorf("CheckBrowserURL(%q) = %v, want ok=%v", tt.url, err, tt.ok)
		}
	}
}

// A discovery document naming hostile endpoints never gets them opened:
// discovery refuses it before it is cached, and were a provider built from
// such metadata anyway, Login and the opener refuse the URL.
func TestHostileEndpointsAreNeverOpened(t *testing.T) {
	dir := t.TempDir()
	script, out := recorder(t, dir, "browser", 0)
	t.Setenv("BROWSER", script)
	for _, endpoint := range []string{"file:///etc/passwd", "smb://evil.example/share", "javascript:alert(1)", "http://evil.example/auth"} {
		f := newFakeOP(t)
		f.meta["authorization_endpoint"] = endpoint
		f.meta["end_session_endpoint"] = endpoint
		_, err := Discover(t.Context(), &Config{Issuer: f.srv.URL, ClientID: "cli", CacheDir: t.TempDir()})
		if !errors.Is(err, ErrInvalidDiscovery) && !errors.Is(err, ErrInsecureURL) {
			t.Errorf("discovery accepted the endpoint %s: %v", endpoint, err)
		}
		// Metadata that got past discovery some other way.
		p := newFakeOP(t).provider(t)
		p.Metadata.AuthorizationEndpoint, p.Metadata.EndSessionEndpoint = endpoint, endpoint
		opened := false
		_, err = p.Login(t.Context(), LoginOptions{OpenBrowser: func(string) error { opened = true; return nil }})
		if !errors.Is(err, ErrUnsafeBrowserURL) || opened {
			t.Errorf("authorization endpoint %s: err %v, opened %v", endpoint, err, opened)
		}
		if _, err := p.Login(t.Context(), LoginOptions{}); !errors.Is(err, ErrUnsafeBrowserURL) {
			t.Errorf("authorization endpoint %s with the default opener: %v", endpoint, err)
		}
		if err := p.OpenEndSession(t.Context(), "", OpenBrowser); err == nil {
			t.Errorf("end-session endpoint %s was served", endpoint)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a hostile URL reached the browser")
	}
}
