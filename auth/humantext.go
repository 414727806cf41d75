package auth

import (
	"encoding/json"
	"fmt"
	"time"
)

// How the front ends (the CLI and the terminal UI) show times and claim
// values to people. Here, not in the UI package, so that the CLI does not
// link the UI's libraries.

// Relative is "in 59m12s", "3h04m ago".
func Relative(t, now time.Time) string {
	d := t.Sub(now).Truncate(time.Second)
	switch {
	case d > 0:
		return "in " + ShortDuration(d)
	case d < 0:
		return ShortDuration(-d) + " ago"
	}
	return "now"
}

// ShortDuration is "2d", "3h04m", "5m09s", "12s".
func ShortDuration(d time.Duration) string {
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

// ClaimValue shows a claim's value for people: times relative and absolute,
// lists as JSON.
func ClaimValue(name string, v any, now time.Time) string {
	// Beyond year 9999 (or before year 1) a time is shown as the number it is.
	if f, ok := v.(float64); ok && IsTimeClaim(name) && f >= -62135596800 && f <= 253402300799 {
		t := time.Unix(int64(f), 0)
		return Relative(t, now) + " · " + Absolute(t)
	}
	switch v := v.(type) {
	case string:
		return v
	case nil:
		return "null"
	}
	b, _ := json.Marshal(v)
	return string(b)
}
