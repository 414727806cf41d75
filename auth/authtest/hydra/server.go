package hydra

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Server is a running Hydra with its login and consent app and the
// counting proxy that serves as its issuer.
type Server struct {
	Issuer  string // exactly as configured, e.g. http://127.0.0.1:PORT or .../
	Admin   *Admin
	Proxy   *Proxy
	Consent *ConsentApp
	LogFile string // Hydra's output

	cmd    *exec.Cmd
	exited chan struct{}
	front  *httptest.Server
	app    *httptest.Server
}

// Options are what differs between two Hydras of one test run.
type Options struct {
	// TrailingSlash makes the issuer end in "/", as Hydra's own default does.
	TrailingSlash bool
	// Dir holds Hydra's log file.
	Dir string
}

// Start runs bin (see Binary) on free loopback ports with the stock
// configuration: in-memory SQLite, a random system secret, dev mode (plain
// HTTP on loopback), no telemetry, and the issuer, login and consent URLs.
// It returns once Hydra's admin health check says ready. A Hydra that
// exits before that (a port taken meanwhile by another process) is started
// again on other ports, three times at most.
func Start(ctx context.Context, bin string, opts Options) (*Server, error) {
	var err error
	for range 3 {
		var s *Server
		if s, err = start(ctx, bin, opts); !errors.Is(err, ErrExited) {
			return s, err
		}
	}
	return nil, err
}

func start(ctx context.Context, bin string, opts Options) (*Server, error) {
	public, err := freePort()
	if err != nil {
		return nil, err
	}
	admin, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &Server{Admin: &Admin{URL: "http://127.0.0.1:" + strconv.Itoa(admin), HTTP: &http.Client{Timeout: 10 * time.Second}}, exited: make(chan struct{})}
	target, _ := url.Parse("http://127.0.0.1:" + strconv.Itoa(public))
	s.Proxy = NewProxy(target)
	s.front = httptest.NewServer(s.Proxy)
	s.Consent = &ConsentApp{Admin: s.Admin, User: Alice}
	s.app = httptest.NewServer(s.Consent)
	s.Issuer = s.front.URL
	if opts.TrailingSlash {
		s.Issuer += "/"
	}
	if err := s.run(bin, opts.Dir, public, admin); err != nil {
		s.Close()
		return nil, err
	}
	rctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if err := s.Admin.Ready(rctx, s.exited); err != nil {
		s.Close()
		return nil, fmt.Errorf("%w\n%s", err, tail(s.LogFile))
	}
	return s, nil
}

func (s *Server) run(bin, dir string, public, admin int) error {
	secret := make([]byte, 24)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	s.LogFile = filepath.Join(dir, fmt.Sprintf("hydra-%d.log", public))
	log, err := os.Create(s.LogFile)
	if err != nil {
		return err
	}
	defer log.Close()
	s.cmd = exec.Command(bin, "serve", "all", "--dev", "--sqa-opt-out")
	s.cmd.Env = append(os.Environ(),
		"DSN=memory",
		"SECRETS_SYSTEM="+hex.EncodeToString(secret),
		"URLS_SELF_ISSUER="+s.Issuer,
		"URLS_LOGIN="+s.app.URL+"/login",
		"URLS_CONSENT="+s.app.URL+"/consent",
		"SERVE_PUBLIC_HOST=127.0.0.1", "SERVE_PUBLIC_PORT="+strconv.Itoa(public),
		"SERVE_ADMIN_HOST=127.0.0.1", "SERVE_ADMIN_PORT="+strconv.Itoa(admin),
		"SQA_OPT_OUT=true",
	)
	s.cmd.Stdout, s.cmd.Stderr = log, log
	s.cmd.SysProcAttr = dieWithParent()
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("start hydra: %w", err)
	}
	go func() { s.cmd.Wait(); close(s.exited) }()
	return nil
}

// Close stops Hydra (SIGTERM, then SIGKILL after 10 s) and the servers in
// front of it.
func (s *Server) Close() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			<-s.exited
		}
	}
	if s.front != nil {
		s.front.Close()
	}
	if s.app != nil {
		s.app.Close()
	}
}

// ErrNoPort is a loopback listener that gave no TCP port.
var ErrNoPort = errors.New("no free loopback port")

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort() (int, error) { return freePort() }

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrNoPort, err)
	}
	defer l.Close()
	a, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, ErrNoPort
	}
	return a.Port, nil
}

// tail is the end of Hydra's log, for a failure message.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	s := string(b)
	if len(s) > 4000 {
		s = "…" + s[len(s)-4000:]
	}
	return "hydra log:\n" + strings.TrimSpace(s)
}

// Log is the end of Hydra's output.
func (s *Server) Log() string { return tail(s.LogFile) }
