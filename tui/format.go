package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
)

// pad right-pads s to w cells (styled text counts by its visible width).
func pad(s string, w int) string {
	if n := lipgloss.Width(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// Relative is "in 59m12s", "3h04m ago".
func Relative(t, now time.Time) string {
	d := t.Sub(now).Truncate(time.Second)
	switch {
	case d > 0:
		return "in " + short(d)
	case d < 0:
		return short(-d) + " ago"
	}
	return "now"
}

func short(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%ds", int(d.Seconds()))
}

// Absolute is a time in the local zone, for beside a relative one.
func Absolute(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05 MST") }

// span is the lines of a body that must stay in view, from to to
// inclusive; the zero span asks for the top.
type span struct{ from, to int }

// lines counts the lines written so far, the index of the next one.
func lines(b *strings.Builder) int { return strings.Count(b.String(), "\n") }

// clip fits s into n lines, padding a short body and scrolling a long one
// so that the focus span is in view; a line says when text is cut above
// or below.
func clip(s string, n int, focus span) string {
	if n < 1 {
		return ""
	}
	ls := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if len(ls) <= n {
		for len(ls) < n {
			ls = append(ls, "")
		}
		return strings.Join(ls, "\n")
	}
	start := 0
	for start < len(ls)-n {
		last := start + n - 1 // the last line shown, a marker if text follows
		if last < len(ls)-1 {
			last--
		}
		// Stop when the focus ends in view, or when scrolling on would push
		// its first line under the top marker.
		if focus.to <= last || start+2 > focus.from {
			break
		}
		start++
	}
	out := append([]string{}, ls[start:start+n]...)
	if start > 0 && n > 1 {
		out[0] = "↑ more"
	}
	if start+n < len(ls) {
		out[n-1] = "↓ more"
	}
	return strings.Join(out, "\n")
}
