package tui

import (
	"strings"
	"testing"
)

func TestStylesFollowBackgroundAndNoColor(t *testing.T) {
	dark, light := newStyles(true, false).OK.Render("ok"), newStyles(false, false).OK.Render("ok")
	if dark == light {
		t.Error("light and dark backgrounds get the same colours")
	}
	if !strings.Contains(dark, "\x1b[") {
		t.Error("no colour at all with colours on")
	}
	if plain := newStyles(true, true).OK.Render("ok"); strings.Contains(plain, "38;") {
		t.Errorf("NO_COLOR still sets a foreground colour: %q", plain)
	}
}
