// Command leankeyring is the floor of the lean Secret Service path, beside
// ../keyring (one go-keyring read): one read through the client latch uses
// on Linux, nothing else. Usage: leankeyring SERVICE USER reads;
// leankeyring -refresh SERVICE USER reads, then writes the same secret
// back on the same connection (what a refresh does to the keyring).
// Anything the lean path hands back to go-keyring is an error here: the
// floor must time the lean path.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/latchdev/latch/tokencache/internal/secretservice"
)

func main() {
	args := os.Args[1:]
	refresh := len(args) == 3 && args[0] == "-refresh"
	if refresh {
		args = args[1:]
	}
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: leankeyring [-refresh] SERVICE USER")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	var c secretservice.Client
	s, err := c.Get(ctx, args[0], args[1])
	if err == nil && refresh {
		err = c.Set(ctx, args[0], args[1], s)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(len(s))
}
