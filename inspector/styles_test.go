package inspector

import (
	"io"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// A resolved paint draws a line exactly as its lipgloss style does, in
// every colour profile and on light and dark backgrounds.
func TestPaintMatchesStyle(t *testing.T) {
	for _, profile := range []termenv.Profile{termenv.Ascii, termenv.ANSI, termenv.ANSI256, termenv.TrueColor} {
		for _, dark := range []bool{true, false} {
			r := lipgloss.NewRenderer(io.Discard)
			r.SetColorProfile(profile)
			r.SetHasDarkBackground(dark)
			st := DefaultStyles(r)
			for name, s := range map[string]lipgloss.Style{
				"Dim": st.Dim, "Method": st.Method, "Selected": st.Selected, "Live": st.Live,
				"Warn": st.Warn, "Error": st.Error, "Status2": st.Status2, "Status5": st.Status5,
			} {
				for _, text := range []string{"GET    ", " 12.3ms", "›● 12:00:01 /a b", ""} {
					if got, want := paintOf(s).render(text), s.Render(text); got != want {
						t.Errorf("%s, %s, dark %v, %q: paint %q, lipgloss %q", name, profile.Name(), dark, text, got, want)
					}
				}
			}
		}
	}
}
