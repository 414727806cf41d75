//go:build unix

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// run gives the signals back when it returns: a Ctrl-C after it ends the
// process as it would any program (a handler left behind swallowed it).
func TestRunGivesTheSignalsBack(t *testing.T) {
	if os.Getenv("LATCH_TEST_SIGNAL_CHILD") == "1" {
		run([]string{"version"}, streams{strings.NewReader(""), io.Discard, io.Discard})
		time.Sleep(100 * time.Millisecond) // the handler goroutine has run
		syscall.Kill(os.Getpid(), syscall.SIGINT)
		time.Sleep(2 * time.Second)
		fmt.Println("survived SIGINT")
		os.Exit(0)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRunGivesTheSignalsBack$")
	cmd.Env = append(os.Environ(), "LATCH_TEST_SIGNAL_CHILD=1")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ProcessState.Sys().(syscall.WaitStatus).Signal() != syscall.SIGINT {
		t.Fatalf("after run returned, SIGINT did not end the process: %v\n%s", err, out)
	}
}
