package session

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// maxKubeconfig bounds the kubeconfig file MergeKubeUser reads.
const maxKubeconfig = 16 << 20

// KubeUserYAML is the users: entry, written by hand: a YAML library costs
// start-up and size on every latch run, and this text is small and fixed.
// Every value is a double-quoted scalar (JSON string syntax is valid YAML).
func KubeUserYAML(name string, args []string) string {
	var b strings.Builder
	b.WriteString("users:\n- name: " + strconv.Quote(name) + "\n  user:\n    exec:\n")
	b.WriteString("      apiVersion: " + ExecAPIVersion + "\n      command: latch\n      args:\n")
	for _, arg := range args {
		b.WriteString("      - " + yamlString(arg) + "\n")
	}
	b.WriteString("      interactiveMode: IfAvailable\n      provideClusterInfo: false\n")
	return b.String()
}

// yamlString writes s plain when that cannot be misread, else quoted.
func yamlString(s string) string {
	plain := s != "" && !strings.ContainsAny(s[:1], "-?:,[]{}#&*!|>'\"%@`0123456789. ")
	for _, r := range s {
		plain = plain && r < 0x7f && r > ' ' && !strings.ContainsRune(":#,[]{}\"'\\", r)
	}
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~":
		plain = false
	}
	if plain {
		return s
	}
	return strconv.Quote(s)
}

// KubeconfigPath is where kubectl reads and writes: the first file of
// $KUBECONFIG, else ~/.kube/config.
func KubeconfigPath() (string, error) {
	for _, p := range filepath.SplitList(os.Getenv("KUBECONFIG")) {
		if p != "" {
			return p, nil
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no home directory (%w): set KUBECONFIG", err)
	}
	return filepath.Join(home, ".kube", "config"), nil
}

// MergeKubeUser puts the user into the kubeconfig at path, keeping every
// other entry, comment and order, and replaces the file atomically.
func MergeKubeUser(path, name string, args []string) error {
	// Write through a symlink (a dotfiles checkout), not over it.
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	old, mode, err := readKubeconfig(path)
	if err != nil {
		return err
	}
	out, err := mergeUserYAML(old, name, args)
	if err != nil {
		return fmt.Errorf("kubeconfig %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".latch-kubeconfig-*")
	if err != nil {
		return err
	}
	_, werr := f.Write(out)
	if werr == nil {
		werr = f.Chmod(mode)
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(f.Name(), path)
	}
	if werr != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %w", path, werr)
	}
	return nil
}

func readKubeconfig(path string) ([]byte, fs.FileMode, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0o600, nil
	}
	if err != nil {
		return nil, 0, err
	}
	if !st.Mode().IsRegular() {
		return nil, 0, fmt.Errorf("%s is not a regular file", path)
	}
	b, err := readFileBounded(path, maxKubeconfig)
	return b, st.Mode().Perm(), err
}
