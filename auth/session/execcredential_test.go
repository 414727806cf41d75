package session

import (
	"strings"
	"testing"
)

func TestExecInfoDecidesWhetherLatchMayOpenABrowser(t *testing.T) {
	for _, tt := range []struct {
		info string
		want bool
	}{
		{"", true},
		{`{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":true}}`, true},
		{`{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false}}`, false},
		{`{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{}}`, false},
		{`not json`, false},
		{`{"spec":{"interactive":true},"pad":"` + strings.Repeat("x", maxExecInfo) + `"}`, false},
	} {
		if got := ExecInteractive(tt.info); got != tt.want {
			t.Errorf("ExecInteractive(%.60q) = %v, want %v", tt.info, got, tt.want)
		}
	}
}
