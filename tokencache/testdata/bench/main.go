// Command bench times whole processes, paired: every round runs each
// command once, the starting command rotating from round to round, so the
// machine's load drifts over all of them alike. Per command it prints the
// median wall time with its 25th-75th percentile spread, the median CPU
// time (user+sys) and the median peak RSS (read by GNU time, which forks:
// Go's own fork-exec shares the parent's memory until exec, so the rusage
// of a child it starts never reads below the timer's own RSS); for each -ratio A/B the median
// of the per-round ratios A÷B with its spread. Wall time is read around
// fork-exec-wait with the monotonic clock: no timer process of its own is
// counted, unlike date +%s%N in a shell, whose ~1-2 ms per reading adds to
// both sides and pulls every ratio toward 1.
//
// Usage:
//
//	bench [-runs N] [-warm N] [-ratio A/B]... NAME CMD ARGS... [--- NAME CMD ARGS...]...
//
// A command that fails stops the benchmark: timings of an error path
// would mislead.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

type command struct {
	name string
	argv []string
	wall []time.Duration
	cpu  []time.Duration
	rss  []int64 // KiB, from GNU time
}

type ratios []string

func (r *ratios) String() string     { return strings.Join(*r, ",") }
func (r *ratios) Set(s string) error { *r = append(*r, s); return nil }

func main() {
	runs := flag.Int("runs", 40, "rounds")
	warm := flag.Int("warm", 3, "untimed rounds first (page cache, keyring daemon)")
	var rs ratios
	flag.Var(&rs, "ratio", "A/B: print the median per-round ratio of command A to command B (repeatable)")
	flag.Parse()
	cmds, err := parse(flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	for round := 0; round < *warm+*runs; round++ {
		for i := range cmds {
			c := cmds[(round+i)%len(cmds)]
			if err := c.runOnce(round >= *warm); err != nil {
				fmt.Fprintf(os.Stderr, "bench: %s: %v\n", c.name, err)
				os.Exit(1)
			}
		}
	}
	for _, c := range cmds {
		c.measureRSS(5)
	}
	fmt.Printf("%-16s %10s %18s %10s %10s   (%d paired rounds)\n", "command", "wall µs", "p25-p75", "cpu µs", "rss KiB", *runs)
	for _, c := range cmds {
		w := quartiles(us(c.wall))
		fmt.Printf("%-16s %10.0f %8.0f-%-9.0f %10.0f %10d\n", c.name, w[1], w[0], w[2], quartiles(us(c.cpu))[1], medianInt(c.rss))
	}
	for _, r := range rs {
		if err := printRatio(cmds, r); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(2)
		}
	}
}

func parse(args []string) ([]*command, error) {
	var cmds []*command
	for len(args) > 0 {
		i := slices.Index(args, "---")
		if i < 0 {
			i = len(args)
		}
		if i < 2 {
			return nil, fmt.Errorf("want NAME CMD [ARGS...] between ---, got %q", args[:i])
		}
		cmds = append(cmds, &command{name: args[0], argv: args[1:i]})
		args = args[min(i+1, len(args)):]
	}
	if len(cmds) == 0 {
		return nil, fmt.Errorf("no command to time")
	}
	return cmds, nil
}

func (c *command) runOnce(record bool) error {
	cmd := exec.Command(c.argv[0], c.argv[1:]...)
	var errOut strings.Builder
	cmd.Stderr = &errOut
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(errOut.String()))
	}
	if !record {
		return nil
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	c.wall = append(c.wall, wall)
	if ru != nil {
		c.cpu = append(c.cpu, time.Duration(ru.Utime.Nano()+ru.Stime.Nano()))
	}
	return nil
}

// measureRSS runs the command n times under GNU time for its peak RSS;
// without /usr/bin/time the column reads 0.
func (c *command) measureRSS(n int) {
	f, err := os.CreateTemp("", "bench-rss")
	if err != nil {
		return
	}
	f.Close()
	defer os.Remove(f.Name())
	for range n {
		cmd := exec.Command("/usr/bin/time", append([]string{"-f", "%M", "-o", f.Name()}, c.argv...)...)
		if cmd.Run() != nil {
			return
		}
		b, _ := os.ReadFile(f.Name())
		var kib int64
		if _, err := fmt.Sscan(string(b), &kib); err == nil {
			c.rss = append(c.rss, kib)
		}
	}
}

func printRatio(cmds []*command, spec string) error {
	a, b, ok := strings.Cut(spec, "/")
	ia := slices.IndexFunc(cmds, func(c *command) bool { return c.name == a })
	ib := slices.IndexFunc(cmds, func(c *command) bool { return c.name == b })
	if !ok || ia < 0 || ib < 0 {
		return fmt.Errorf("-ratio %s: want A/B, two command names", spec)
	}
	var wall, cpu []float64
	for i := range cmds[ia].wall {
		wall = append(wall, float64(cmds[ia].wall[i])/float64(cmds[ib].wall[i]))
		if i < len(cmds[ia].cpu) && i < len(cmds[ib].cpu) && cmds[ib].cpu[i] > 0 {
			cpu = append(cpu, float64(cmds[ia].cpu[i])/float64(cmds[ib].cpu[i]))
		}
	}
	w, c := quartiles(wall), quartiles(cpu)
	fmt.Printf("ratio %-22s wall %.2f (p25-p75 %.2f-%.2f)   cpu %.2f\n", spec, w[1], w[0], w[2], c[1])
	return nil
}

func us(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = float64(d) / float64(time.Microsecond)
	}
	return out
}

// quartiles are the 25th, 50th and 75th percentiles (nearest rank).
func quartiles(xs []float64) [3]float64 {
	if len(xs) == 0 {
		return [3]float64{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	at := func(p float64) float64 { return s[int(p*float64(len(s)-1)+0.5)] }
	return [3]float64{at(0.25), at(0.5), at(0.75)}
}

func medianInt(xs []int64) int64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
