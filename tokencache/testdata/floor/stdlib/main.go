// Command stdlib is a second start-up floor: it prints like print, but links
// the standard library that any OpenID Connect client links (net/http with
// TLS, X.509, ECDSA/RSA/Ed25519, JSON). Their package initialisation and
// size, and with cgo the dynamic loader that net brings, are paid by every
// such program before main: latch --version ÷ stdlib is what latch's own
// code and dependencies add.
package main

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) > 1 { // never taken by the bench; keeps the packages linked
		r, err := http.Get(os.Args[1])
		c, _ := x509.ParseCertificate(nil)
		json.NewEncoder(os.Stdout).Encode([]any{r, err, c, ecdsa.PublicKey{}, rsa.PublicKey{}, ed25519.PublicKey(nil)})
	}
	fmt.Println("latch dev")
}
