package auth

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Attack: hostile requests on the real loopback listener. None may end the
// wait; the real redirect afterwards must still sign in.
func TestLoopbackRawHostileRequests(t *testing.T) {
	l, err := Listen("127.0.0.1", 0, CallbackCheck{State: "S1", Issuer: "https://op.example"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	addr := strings.TrimPrefix(strings.TrimSuffix(l.RedirectURI, CallbackPath), "http://")
	port := addr[strings.LastIndex(addr, ":")+1:]
	raw := func(req string) string {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		fmt.Fprint(c, req)
		line, _ := bufio.NewReader(c).ReadString('\n')
		return strings.TrimSpace(line)
	}
	hostile := []string{
		"GET /callback?code=x&state=WRONG HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n",
		"GET /callback?code=x&state=S1 HTTP/1.1\r\nHost: evil.example:" + port + "\r\n\r\n",
		"GET /callback?code=x&state=S1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
		"GET /callback?code=x&state=S1 HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nHost: evil\r\n\r\n",
		"GET /callback?code=x&state=S1 HTTP/1.0\r\n\r\n",
		"GET /callback?code=x&state=S1&state=S1 HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n",
		"GET /callback?code=x&code=y&state=S1 HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n",
		"GET /callback?code=x&%73tate=S1&state=S1 HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n",
		"GET /callback?code=x;state=S1 HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n",
		"GET /callback/?code=x&state=S1 HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n",
		"GET /%63allback?code=x&state=WRONG HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n",
		"GET //callback?code=x&state=S1 HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n",
		"POST /callback?code=x&state=S1 HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Length: 0\r\n\r\n",
		"GET http://evil.example/callback?code=x&state=S1 HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n",
		"GET /callback?code=x&state=S1&iss=https://op.example&iss=https://op.example HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n",
		"GET /callback?code=x&state=S1%00 HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n",
		"GET /callback?code=x&state= HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n",
		"GET /callback?code=x HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n",
		"GET /callback?code=x&state=S1 HTTP/1.1\r\nHost: LOCALHOST:" + port + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"GET /callback?code=" + strings.Repeat("A", 9000) + "&state=S1 HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n",
	}
	for _, req := range hostile {
		status := raw(req)
		if strings.Contains(status, " 200 ") {
			t.Errorf("request %q answered %s", strings.SplitN(req, "\r\n", 2)[0], status)
		}
		select {
		case r := <-l.results:
			t.Fatalf("request %q ended the wait: %+v (status %s)", strings.SplitN(req, "\r\n", 2)[0], r, status)
		default:
		}
	}
	go func() {
		resp, err := http.Get(l.RedirectURI + "?code=GOOD&state=S1&iss=https%3A%2F%2Fop.example")
		if err == nil {
			resp.Body.Close()
		}
	}()
	code, err := l.Wait(t.Context(), 10*time.Second)
	if err != nil || code != "GOOD" {
		t.Fatalf("the real redirect after the hostile ones: code %q, err %v", code, err)
	}
}
