package hydra

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// BuildTags are the tags Hydra needs for its in-memory SQLite database
// (DSN=memory); without them it only speaks to external databases.
const BuildTags = "sqlite,sqlite_omit_load_extension"

// Binary returns a Hydra binary built from the version pinned in this
// module's go.mod (a tool dependency), building it into dir on first use.
// The file name carries a hash of go.mod, go.sum, the Go version and the
// tags, so a changed pin builds anew and an unchanged one is reused.
// moduleDir is this module's root. Hydra needs cgo (SQLite): a C compiler.
func Binary(ctx context.Context, moduleDir, dir string) (string, error) {
	h := sha256.New()
	for _, f := range []string{"go.mod", "go.sum"} {
		b, err := os.ReadFile(filepath.Join(moduleDir, f))
		if err != nil {
			return "", fmt.Errorf("hydra binary: %w", err)
		}
		h.Write(b)
	}
	fmt.Fprintf(h, "%s %s %s/%s", runtime.Version(), BuildTags, runtime.GOOS, runtime.GOARCH)
	bin := filepath.Join(dir, "hydra-"+hex.EncodeToString(h.Sum(nil))[:16])
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("hydra binary: %w", err)
	}
	tmp := fmt.Sprintf("%s.%d.tmp", bin, os.Getpid())
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", BuildTags, "-o", tmp, "github.com/ory/hydra/v2")
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		os.Remove(tmp)
		return "", &BuildError{Package: "github.com/ory/hydra/v2", Output: string(out), Err: err}
	}
	// Rename is atomic: a concurrent run sees the old state or the whole file.
	if err := os.Rename(tmp, bin); err != nil {
		return "", fmt.Errorf("hydra binary: %w", err)
	}
	return bin, nil
}

// BuildError is a go build that failed, with what the compiler said.
type BuildError struct {
	Package string
	Output  string
	Err     error
}

func (e *BuildError) Error() string {
	return fmt.Sprintf("go build %s: %v\n%s", e.Package, e.Err, e.Output)
}

func (e *BuildError) Unwrap() error { return e.Err }
