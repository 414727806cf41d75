package main

import (
	"encoding/json"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionFromBuildInfo(t *testing.T) {
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: "49e0732ba81db0ce71039d7a6178552bd6bc7c15"}, {Key: "vcs.time", Value: "2026-12-01T20:33:16Z"}, {Key: "vcs.modified", Value: "true"}}
	for _, tt := range []struct {
		name string
		bi   *debug.BuildInfo
		set  string
		want string
	}{
		{"no build info", nil, "dev", "dev"},
		{"go run", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, "dev", "dev (go1.26.8)"},
		{"go install @v1.2.0", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}}, "dev", "v1.2.0 (go1.26.8)"},
		{"dirty checkout", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261201203316-49e0732ba81d+dirty"}, Settings: vcs}, "dev",
			"v0.0.0-20261201203316-49e0732ba81d+dirty 49e0732ba81db0ce71039d7a6178552bd6bc7c15+dirty (2026-12-01T20:33:16Z, go1.26.8)"},
		{"release ldflags", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs[:2]}, "v2.0.0",
			"v2.0.0 49e0732ba81db0ce71039d7a6178552bd6bc7c15 (2026-12-01T20:33:16Z, go1.26.8)"},
	} {
		if got := fromBuildInfo(tt.bi, tt.set).String(); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func TestVersionCommandAndFlagAgree(t *testing.T) {
	flag, _, code := runLatch(t, "", "--version")
	cmd, _, code2 := runLatch(t, "", "version")
	if code != 0 || code2 != 0 || flag != cmd || !strings.HasPrefix(flag, "latch version ") {
		t.Fatalf("--version %q, version %q", flag, cmd)
	}
	out, _, _ := runLatch(t, "", "version", "-o", "json")
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil || v["version"] == "" || v["dirty"] == nil {
		t.Fatalf("version -o json: %s (%v)", out, err)
	}
}
