package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Man pages are written here in roff from the command tree. cobra's doc
// generator would do it through go-md2man and blackfriday, which cost the
// binary 366 KB and every latch start 0.4 ms of package init.

func (a *app) docsCommand() *cobra.Command {
	var manDir string
	cmd := &cobra.Command{
		Use:     "docs --man DIR",
		Short:   "Write the man pages, one per command, into DIR",
		Example: "  latch docs --man /usr/local/share/man/man1",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if manDir == "" {
				return errors.New("say where the man pages go: --man DIR")
			}
			tree := (&app{}).rootCommand([]string{"--help"})
			n, err := writeManTree(tree, manDir, readBuildVersion().Version)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "✓ %d man pages written to %s\n", n, manDir)
			return nil
		},
	}
	cmd.Flags().StringVar(&manDir, "man", "", "directory to write the man pages (section 1) into")
	return cmd
}

// writeManTree writes a page for root and each visible command under it,
// named like git's: latch-tenant-add.1. It returns how many it wrote.
func writeManTree(root *cobra.Command, dir, version string) (int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	n := 0
	var walk func(c *cobra.Command) error
	walk = func(c *cobra.Command) error {
		if c.Hidden || !c.IsAvailableCommand() && c != root {
			return nil
		}
		name := strings.ReplaceAll(c.CommandPath(), " ", "-")
		if err := os.WriteFile(filepath.Join(dir, name+".1"), []byte(manPage(c, version)), 0o644); err != nil {
			return err
		}
		n++
		for _, sub := range c.Commands() {
			if err := walk(sub); err != nil {
				return err
			}
		}
		return nil
	}
	return n, walk(root)
}

// manPage is one command's page in the man(7) macros.
func manPage(c *cobra.Command, version string) string {
	var b strings.Builder
	name := strings.ReplaceAll(c.CommandPath(), " ", "-")
	fmt.Fprintf(&b, ".TH %q 1 \"\" %q \"latch manual\"\n", strings.ToUpper(name), "latch "+version)
	fmt.Fprintf(&b, ".SH NAME\n%s \\- %s\n", roff(name), roff(c.Short))
	fmt.Fprintf(&b, ".SH SYNOPSIS\n.B %s\n", roff(c.UseLine()))
	desc := c.Long
	if desc == "" {
		desc = c.Short
	}
	fmt.Fprintf(&b, ".SH DESCRIPTION\n%s\n", roffText(desc))
	manFlags(&b, "OPTIONS", c.NonInheritedFlags())
	manFlags(&b, "GLOBAL OPTIONS", c.InheritedFlags())
	if c.Example != "" {
		fmt.Fprintf(&b, ".SH EXAMPLES\n.nf\n%s\n.fi\n", roffText(c.Example))
	}
	var see []string
	if c.HasParent() {
		see = append(see, manRef(c.Parent()))
	}
	subs := c.Commands()
	sort.Slice(subs, func(i, j int) bool { return subs[i].Name() < subs[j].Name() })
	for _, sub := range subs {
		if !sub.Hidden && sub.IsAvailableCommand() {
			see = append(see, manRef(sub))
		}
	}
	if len(see) > 0 {
		fmt.Fprintf(&b, ".SH SEE ALSO\n%s\n", strings.Join(see, ",\n"))
	}
	return b.String()
}

func manRef(c *cobra.Command) string {
	return ".BR " + roff(strings.ReplaceAll(c.CommandPath(), " ", "-")) + " (1)"
}

func manFlags(b *strings.Builder, title string, fs *pflag.FlagSet) {
	if !fs.HasAvailableFlags() {
		return
	}
	fmt.Fprintf(b, ".SH %s\n", title)
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		varname, usage := pflag.UnquoteUsage(f)
		head := "\\fB\\-\\-" + roff(f.Name) + "\\fR"
		if f.Shorthand != "" {
			head = "\\fB\\-" + roff(f.Shorthand) + "\\fR, " + head
		}
		if varname != "" {
			head += " \\fI" + roff(varname) + "\\fR"
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" && f.DefValue != "0" {
			usage += " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(b, ".TP\n%s\n%s\n", head, roffText(usage))
	})
}

// roff escapes text for one line of roff: backslashes and hyphens.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	return strings.ReplaceAll(s, "-", `\-`)
}

// roffText escapes running text: as roff, and a line starting with a dot
// or an apostrophe (a request in roff) is guarded with \&.
func roffText(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		l = roff(l)
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			l = `\&` + l
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}
