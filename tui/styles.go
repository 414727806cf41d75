package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// styles are built once, from the terminal's background, in this one place.
type styles struct {
	Header, Tab, ActiveTab, Title, Dim, Bold lipgloss.Style
	OK, Warn, Err, Badge, Selected, Key      lipgloss.Style
	Box                                      lipgloss.Style
}

func newStyles(dark, noColor bool) styles {
	ld := lipgloss.LightDark(dark)
	c := func(light, darkc string) color.Color {
		if noColor {
			return lipgloss.NoColor{}
		}
		return ld(lipgloss.Color(light), lipgloss.Color(darkc))
	}
	accent, dim := c("#5A3FC0", "#A78BFA"), c("#6B7280", "#9CA3AF")
	ok, warn, bad := c("#1A7F37", "#3FB950"), c("#9A6700", "#D29922"), c("#CF222E", "#F85149")
	return styles{
		Header:    lipgloss.NewStyle().Bold(true).Foreground(accent),
		Tab:       lipgloss.NewStyle().Foreground(dim).Padding(0, 1),
		ActiveTab: lipgloss.NewStyle().Bold(true).Foreground(accent).Underline(true).Padding(0, 1),
		Title:     lipgloss.NewStyle().Bold(true).MarginBottom(1),
		Dim:       lipgloss.NewStyle().Foreground(dim),
		Bold:      lipgloss.NewStyle().Bold(true),
		OK:        lipgloss.NewStyle().Foreground(ok),
		Warn:      lipgloss.NewStyle().Foreground(warn),
		Err:       lipgloss.NewStyle().Foreground(bad),
		Badge:     lipgloss.NewStyle().Bold(true).Foreground(ok),
		Selected:  lipgloss.NewStyle().Bold(true).Foreground(accent),
		Key:       lipgloss.NewStyle().Foreground(accent),
		Box:       lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(dim).Padding(0, 1),
	}
}
