package main

import (
	"fmt"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// buildVersion is what latch was built from: the module version (or the
// one set with -ldflags "-X main.version=..."), and the VCS revision, its
// time and whether the tree had uncommitted changes, as go build recorded
// them (not recorded with -buildvcs=false or go run).
type buildVersion struct {
	Version  string `json:"version"`
	Revision string `json:"revision,omitempty"`
	Time     string `json:"time,omitempty"`
	Dirty    bool   `json:"dirty"`
	Go       string `json:"go"`
}

func readBuildVersion() buildVersion {
	bi, _ := debug.ReadBuildInfo()
	return fromBuildInfo(bi, version)
}

// fromBuildInfo reads bi (nil when the binary has none); set is the
// version given with -ldflags, "dev" when none was.
func fromBuildInfo(bi *debug.BuildInfo, set string) buildVersion {
	v := buildVersion{Version: set}
	if bi == nil {
		return v
	}
	v.Go = bi.GoVersion
	if set == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Dirty = s.Value == "true"
		}
	}
	return v
}

// String is the version, revision, time and Go version on one line; latch
// version and latch --version print it after "latch version ".
func (v buildVersion) String() string {
	s := v.Version
	if v.Revision != "" {
		s += " " + v.Revision
		if v.Dirty {
			s += "+dirty"
		}
	}
	var extra []string
	if v.Time != "" {
		extra = append(extra, v.Time)
	}
	if v.Go != "" {
		extra = append(extra, v.Go)
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s
}

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print latch's version and the revision it was built from",
		Example: "  latch version\n  latch version -o json",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			v := readBuildVersion()
			if a.json() {
				return writeJSON(a.stdout, v)
			}
			_, err := fmt.Fprintln(a.stdout, "latch version", v)
			return err
		},
	}
}

// setVersion gives the root command its --version: the build info is read
// only when the flag is there, since every latch start builds the root.
// cobra's default version line is kept: a version template would pull
// text/template's reflection in, which costs the binary 3.5 MB.
func setVersion(root *cobra.Command, args []string) {
	root.Version = version
	if slices.Contains(args, "--version") {
		root.Version = readBuildVersion().String()
	}
}
