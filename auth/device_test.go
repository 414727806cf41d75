package auth

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestDeviceLoginPollsUntilApprovedOrDenied(t *testing.T) {
	for _, tt := range []struct {
		name    string
		answers []string // token endpoint answers in turn; "ok" issues tokens
		wantErr string
	}{
		{"approved after pending", []string{"authorization_pending", "ok"}, ""},
		{"denied", []string{"authorization_pending", "access_denied"}, "denied"},
		{"expired", []string{"expired_token"}, "expired_token"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOP(t)
			var polls atomic.Int32
			mux := http.NewServeMux()
			mux.Handle("/", f.srv.Config.Handler)
			mux.HandleFunc("/device", func(w http.ResponseWriter, r *http.Request) {
				json.NewEncoder(w).Encode(map[string]any{"device_code": "dc", "user_code": "ABCD-EFGH",
					"verification_uri": f.srv.URL + "/verify", "expires_in": 60, "interval": 1})
			})
			mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
				r.ParseForm()
				w.Header().Set("Content-Type", "application/json")
				a := tt.answers[min(int(polls.Add(1))-1, len(tt.answers)-1)]
				if r.Form.Get("grant_type") != "urn:ietf:params:oauth:grant-type:device_code" || r.Form.Get("device_code") != "dc" {
					a = "invalid_request"
				}
				if a != "ok" {
					w.WriteHeader(400)
					json.NewEncoder(w).Encode(map[string]string{"error": a})
					return
				}
				json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 3600, "id_token": f.good("")})
			})
			f.srv.Config.Handler = mux
			f.meta["device_authorization_endpoint"] = f.srv.URL + "/device"
			var shown Step
			kinds := map[StepKind]int{}
			start := time.Now()
			res, err := f.provider(t).DeviceLogin(t.Context(), DeviceOptions{Progress: func(s Step) {
				kinds[s.Kind]++
				if s.Kind == StepDeviceCode {
					shown = s
				}
			}})
			if shown.Detail != "ABCD-EFGH" || !strings.HasSuffix(shown.URL, "/verify") {
				t.Errorf("the code was not shown: %+v", shown)
			}
			if tt.wantErr == "" {
				if err != nil || res.Identity.Subject != "u1" {
					t.Fatalf("err %v", err)
				}
				// The steps say what happened in this flow: no code was exchanged.
				if kinds[StepDeviceApproved] != 1 || kinds[StepTokensIssued] != 1 || kinds[StepExchange] != 0 {
					t.Errorf("device steps %v: want approved and tokens issued, no code exchange", kinds)
				}
				if time.Since(start) < time.Second {
					t.Error("polled faster than the interval the provider asked for")
				}
				return
			}
			if err == nil || !strings.Contains(Explain(err), tt.wantErr) {
				t.Fatalf("err = %v (%s), want %q", err, Explain(err), tt.wantErr)
			}
		})
	}
}

// A verification URI that is not https (or http to the loopback) is shown
// but never handed to a browser.
func TestDeviceVerificationURIOnlyOpenedWhenSafe(t *testing.T) {
	for _, tt := range []struct {
		uri    string
		opened bool
	}{
		{"file:///etc/passwd", false},
		{"javascript:alert(1)", false},
		{"http://evil.example/device", false},
		{"", true}, // the fake provider's own http://127.0.0.1 page
	} {
		f := newFakeOP(t)
		uri := tt.uri
		if uri == "" {
			uri = f.srv.URL + "/verify"
		}
		mux := http.NewServeMux()
		mux.Handle("/", f.srv.Config.Handler)
		mux.HandleFunc("/device", func(w http.ResponseWriter, r *http.Request) {
			json.NewEncoder(w).Encode(map[string]any{"device_code": "dc", "user_code": "ABCD", "verification_uri": uri, "expires_in": 60, "interval": 1})
		})
		mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			json.NewEncoder(w).Encode(map[string]string{"error": "access_denied"})
		})
		f.srv.Config.Handler = mux
		f.meta["device_authorization_endpoint"] = f.srv.URL + "/device"
		opened := false
		f.provider(t).DeviceLogin(t.Context(), DeviceOptions{OpenBrowser: func(string) error { opened = true; return nil }})
		if opened != tt.opened {
			t.Errorf("verification URI %q: opened %v, want %v", uri, opened, tt.opened)
		}
	}
}
