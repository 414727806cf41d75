package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// pad right-pads s to w cells (styled text counts by its visible width).
func pad(s string, w int) string {
	if n := lipgloss.Width(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

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
