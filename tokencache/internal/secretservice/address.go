package secretservice

import (
	"errors"
	"os"
	"strings"
)

// sessionBusAddresses returns the socket addresses to try, as godbus
// finds them: DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus. Other
// transports (tcp, autolaunch) are left to go-keyring.
func sessionBusAddresses() ([]string, error) {
	env := os.Getenv("DBUS_SESSION_BUS_ADDRESS")
	if env == "" {
		if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
			if fi, err := os.Stat(dir + "/bus"); err == nil && fi.Mode()&os.ModeSocket != 0 {
				return []string{dir + "/bus"}, nil
			}
		}
		return nil, errors.New("no session bus address")
	}
	addrs := parseAddresses(env)
	if len(addrs) == 0 {
		return nil, errors.New("no unix socket in the session bus address")
	}
	return addrs, nil
}

// parseAddresses returns the unix socket paths of a D-Bus address list
// ("unix:path=/run/user/1000/bus;unix:abstract=/tmp/dbus-x,guid=..."),
// abstract names with Go's "@" prefix.
func parseAddresses(s string) []string {
	var out []string
	for a := range strings.SplitSeq(s, ";") {
		rest, ok := strings.CutPrefix(a, "unix:")
		if !ok {
			continue
		}
		for kv := range strings.SplitSeq(rest, ",") {
			k, v, _ := strings.Cut(kv, "=")
			v, ok := unescape(v)
			if !ok || v == "" {
				continue
			}
			switch k {
			case "path":
				out = append(out, v)
			case "abstract":
				out = append(out, "@"+v)
			}
		}
	}
	return out
}

// unescape undoes the %XX escapes of a D-Bus address value.
func unescape(s string) (string, bool) {
	if !strings.Contains(s, "%") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		hi, ok1 := unhex(s[i+1])
		lo, ok2 := unhex(s[i+2])
		if !ok1 || !ok2 {
			return "", false
		}
		b.WriteByte(hi<<4 | lo)
		i += 2
	}
	return b.String(), true
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
