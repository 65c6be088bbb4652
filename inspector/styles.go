package inspector

import (
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Styles is every style the inspector draws with. It is the only place
// styles are made; colours adapt to light and dark terminals, and with
// NO_COLOR the renderer drops them all (so every state is also shown in
// text: a cursor mark, brackets round the active tab).
type Styles struct {
	renderer *lipgloss.Renderer

	Title    lipgloss.Style // the product name in the title line
	TitleBar lipgloss.Style // the rest of the title line
	Plain    lipgloss.Style // no decoration
	Dim      lipgloss.Style // secondary text
	Faint    lipgloss.Style // tertiary text: separators, hints
	Bold     lipgloss.Style
	Note     lipgloss.Style // "3 new", "following"
	Empty    lipgloss.Style // the empty-list message

	Header   lipgloss.Style // list column names
	Selected lipgloss.Style // the selected list row
	Method   lipgloss.Style
	Live     lipgloss.Style // the in-flight marker
	Status2  lipgloss.Style
	Status3  lipgloss.Style
	Status4  lipgloss.Style
	Status5  lipgloss.Style // and failures
	Warn     lipgloss.Style
	Error    lipgloss.Style
	OK       lipgloss.Style

	TabActive   lipgloss.Style
	TabInactive lipgloss.Style
	Section     lipgloss.Style // group headings in the detail tabs
	Key         lipgloss.Style // environ keys, header names
	String      lipgloss.Style // Python str reprs
	Object      lipgloss.Style // Python objects by type
	Offset      lipgloss.Style // +1.2ms on timelines

	StatusLine lipgloss.Style // the bottom status line
	Prompt     lipgloss.Style // the filter/search prompt
	Input      lipgloss.Style
	PaneTitle  lipgloss.Style // the log pane's heading
	Stderr     lipgloss.Style

	Explain      lipgloss.Style // explain mode's texts
	ExplainWhere lipgloss.Style // where a value came from, and the PEP section
	Arrow        lipgloss.Style // the wire view's "became" arrows

	Match    lipgloss.Style // a search's match in a body
	MatchNow lipgloss.Style // the match n and N moved to

	// Spacious puts a blank line between entries of the environ and the
	// wire view, for reading at a distance.
	Spacious bool
	Held     lipgloss.Style // a request held in the debugger: the list mark, its position
	Edited   lipgloss.Style // an environ key edited in the debugger
	Console  lipgloss.Style // the pdb console's transcript
	Question lipgloss.Style // a question on the status line (quit? clear?)
	Left     lipgloss.Style // the ⊘ of a request whose client left before its answer ended

	Help help.Styles
}

// newRenderer returns the renderer the styles are bound to: real colours on
// the terminal, or none at all for NO_COLOR (and for tests).
func newRenderer(noColor bool) *lipgloss.Renderer {
	if noColor {
		r := lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(termenv.Ascii)
		r.SetHasDarkBackground(true)
		return r
	}
	return lipgloss.NewRenderer(os.Stdout)
}

// monochrome gives back, under NO_COLOR, the emphasis that marks where
// the user is: NO_COLOR is about colour only, and with no colour at all
// the selected row would differ from the others by its › alone, and a
// search's matches in a body would not show. The row is bold in reverse
// video, a match in reverse video and the current one bold and
// underlined too, with no colour. (The active tab has its brackets.)
func (s *Styles) monochrome() {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI) // attributes only: the styles have no colour
	s.Selected = r.NewStyle().Bold(true).Reverse(true)
	s.Match = r.NewStyle().Reverse(true)
	s.MatchNow = r.NewStyle().Reverse(true).Bold(true).Underline(true)
}

// palette is a theme's colours, each for light and dark terminals.
type palette struct {
	fg, dim, faint, accent, green, cyan, yellow, red, selBg, barBg, str lipgloss.AdaptiveColor
}

// DefaultStyles builds the inspector's styles on r.
func DefaultStyles(r *lipgloss.Renderer) Styles {
	return paletteStyles(r, palette{
		fg:     lipgloss.AdaptiveColor{Light: "#1f2328", Dark: "#e6edf3"},
		dim:    lipgloss.AdaptiveColor{Light: "#59636e", Dark: "#9198a1"},
		faint:  lipgloss.AdaptiveColor{Light: "#8c959f", Dark: "#5d646c"},
		accent: lipgloss.AdaptiveColor{Light: "#6639ba", Dark: "#bc8cff"},
		green:  lipgloss.AdaptiveColor{Light: "#1a7f37", Dark: "#3fb950"},
		cyan:   lipgloss.AdaptiveColor{Light: "#0969da", Dark: "#58a6ff"},
		yellow: lipgloss.AdaptiveColor{Light: "#9a6700", Dark: "#d29922"},
		red:    lipgloss.AdaptiveColor{Light: "#cf222e", Dark: "#f85149"},
		selBg:  lipgloss.AdaptiveColor{Light: "#ddf4ff", Dark: "#1f3a5f"},
		barBg:  lipgloss.AdaptiveColor{Light: "#eaeef2", Dark: "#21262d"},
		str:    lipgloss.AdaptiveColor{Light: "#0a3069", Dark: "#a5d6ff"},
	})
}

// LargeStyles is the theme for a projector or a screen read from across
// the room (--large): black on white or white on black, no grey (dim text
// washes out on a projector: it becomes the full foreground), everything
// bold, no italics, reverse video for the active tab and the help keys,
// and a blank line between entries. With NO_COLOR the renderer drops
// colour and emphasis alike; the text marks (›, [tab]) remain.
func LargeStyles(r *lipgloss.Renderer) Styles {
	fg := lipgloss.AdaptiveColor{Light: "#000000", Dark: "#ffffff"}
	s := paletteStyles(r, palette{
		fg: fg, dim: fg, faint: fg,
		accent: lipgloss.AdaptiveColor{Light: "#5f00af", Dark: "#ffafff"},
		green:  lipgloss.AdaptiveColor{Light: "#005f00", Dark: "#5fff5f"},
		cyan:   lipgloss.AdaptiveColor{Light: "#0000d7", Dark: "#5fffff"},
		yellow: lipgloss.AdaptiveColor{Light: "#875f00", Dark: "#ffff5f"},
		red:    lipgloss.AdaptiveColor{Light: "#d70000", Dark: "#ff5f5f"},
		selBg:  lipgloss.AdaptiveColor{Light: "#ffff87", Dark: "#0000af"},
		barBg:  lipgloss.AdaptiveColor{Light: "#d0d0d0", Dark: "#303030"},
		str:    lipgloss.AdaptiveColor{Light: "#00005f", Dark: "#d7ffff"},
	})
	s.Spacious = true
	for _, st := range []*lipgloss.Style{
		&s.Title, &s.TitleBar, &s.Plain, &s.Dim, &s.Faint, &s.Bold, &s.Note, &s.Empty, &s.Header, &s.Selected,
		&s.Method, &s.Live, &s.Status2, &s.Status3, &s.Status4, &s.Status5, &s.Warn, &s.Error, &s.OK,
		&s.TabActive, &s.TabInactive, &s.Section, &s.Key, &s.String, &s.Object, &s.Offset, &s.StatusLine,
		&s.Prompt, &s.Input, &s.PaneTitle, &s.Stderr, &s.Explain, &s.ExplainWhere, &s.Arrow,
		&s.Held, &s.Edited, &s.Console, &s.Question, &s.Left, &s.Match, &s.MatchNow,
		&s.Help.Ellipsis, &s.Help.ShortKey, &s.Help.ShortDesc, &s.Help.ShortSeparator,
		&s.Help.FullKey, &s.Help.FullDesc, &s.Help.FullSeparator,
	} {
		*st = st.Bold(true).Italic(false).Faint(false)
	}
	s.TabActive = s.TabActive.Reverse(true).Underline(false)
	s.Help.ShortKey = s.Help.ShortKey.Reverse(true)
	s.Help.FullKey = s.Help.FullKey.Reverse(true)
	return s
}

// paletteStyles builds the styles of a theme from its colours.
func paletteStyles(r *lipgloss.Renderer, p palette) Styles {
	fg, dim, faint, accent, green, cyan := p.fg, p.dim, p.faint, p.accent, p.green, p.cyan
	yellow, red, selBg, barBg, str := p.yellow, p.red, p.selBg, p.barBg, p.str
	s := Styles{renderer: r}
	s.Title = r.NewStyle().Bold(true).Foreground(accent).Background(barBg)
	s.TitleBar = r.NewStyle().Foreground(fg).Background(barBg)
	s.Plain = r.NewStyle()
	s.Dim = r.NewStyle().Foreground(dim)
	s.Faint = r.NewStyle().Foreground(faint)
	s.Bold = r.NewStyle().Bold(true)
	s.Note = r.NewStyle().Foreground(accent).Bold(true)
	s.Empty = r.NewStyle().Foreground(dim)

	s.Header = r.NewStyle().Foreground(dim).Bold(true)
	s.Selected = r.NewStyle().Foreground(fg).Background(selBg).Bold(true)
	s.Method = r.NewStyle().Foreground(fg).Bold(true)
	s.Live = r.NewStyle().Foreground(accent).Bold(true)
	s.Status2 = r.NewStyle().Foreground(green)
	s.Status3 = r.NewStyle().Foreground(cyan)
	s.Status4 = r.NewStyle().Foreground(yellow)
	s.Status5 = r.NewStyle().Foreground(red).Bold(true)
	s.Warn = r.NewStyle().Foreground(yellow)
	s.Error = r.NewStyle().Foreground(red)
	s.OK = r.NewStyle().Foreground(green)

	s.TabActive = r.NewStyle().Foreground(accent).Bold(true).Underline(true)
	s.TabInactive = r.NewStyle().Foreground(dim)
	s.Section = r.NewStyle().Foreground(accent).Bold(true)
	s.Key = r.NewStyle().Foreground(cyan)
	s.String = r.NewStyle().Foreground(str)
	s.Object = r.NewStyle().Foreground(yellow).Italic(true)
	s.Offset = r.NewStyle().Foreground(dim)

	s.StatusLine = r.NewStyle().Foreground(fg).Background(barBg)
	s.Prompt = r.NewStyle().Foreground(accent).Bold(true)
	s.Input = r.NewStyle().Foreground(fg)
	s.PaneTitle = r.NewStyle().Foreground(dim).Bold(true)
	s.Stderr = r.NewStyle().Foreground(red)

	s.Explain = r.NewStyle().Foreground(dim).Italic(true)
	s.ExplainWhere = r.NewStyle().Foreground(dim)
	s.Arrow = r.NewStyle().Foreground(accent).Bold(true)
	s.Match = r.NewStyle().Reverse(true)
	s.MatchNow = r.NewStyle().Foreground(yellow).Reverse(true).Bold(true)
	s.Held = r.NewStyle().Foreground(yellow).Bold(true)
	s.Edited = r.NewStyle().Foreground(accent)
	s.Console = r.NewStyle().Foreground(fg)
	s.Question = r.NewStyle().Foreground(yellow).Bold(true)
	s.Left = r.NewStyle().Foreground(yellow)

	key := r.NewStyle().Foreground(dim).Bold(true)
	desc := r.NewStyle().Foreground(faint)
	sep := r.NewStyle().Foreground(faint)
	s.Help = help.Styles{
		Ellipsis: sep, ShortKey: key, ShortDesc: desc, ShortSeparator: sep,
		FullKey: key, FullDesc: desc, FullSeparator: sep,
	}
	return s
}

// status picks the style for an HTTP status class; 0 means no response.
func (s Styles) status(code int) lipgloss.Style {
	switch {
	case code >= 500 || code == 0:
		return s.Status5
	case code >= 400:
		return s.Status4
	case code >= 300:
		return s.Status3
	default:
		return s.Status2
	}
}

// paint is a style resolved to the escape codes around a single line, so
// drawing a list cell is two concatenations instead of a lipgloss render
// (which re-reads every property and colour of the style each time).
type paint struct{ pre, post string }

// paintOf resolves st; the renderer's colour profile and background apply
// as they stand now.
func paintOf(st lipgloss.Style) paint {
	const mark = "x" // no escape code contains it
	out := st.Render(mark)
	i := strings.Index(out, mark)
	if i < 0 {
		return paint{}
	}
	return paint{pre: out[:i], post: out[i+len(mark):]}
}

// render styles s, a single line without tabs.
func (p paint) render(s string) string {
	if p.pre == "" && p.post == "" {
		return s
	}
	return p.pre + s + p.post
}

// rowPaints are the list row's styles, resolved once per renderer.
type rowPaints struct {
	renderer                          *lipgloss.Renderer
	dim, method, selected, live, warn paint
	errorMark, held, left             paint
	status                            [6]paint // by hundreds: 0 for none, 1-5
}

func (s *Styles) rowPaints() *rowPaints {
	p := &rowPaints{
		renderer: s.renderer,
		dim:      paintOf(s.Dim), method: paintOf(s.Method), selected: paintOf(s.Selected),
		live: paintOf(s.Live), warn: paintOf(s.Warn), errorMark: paintOf(s.Error),
		held: paintOf(s.Held), left: paintOf(s.Left),
	}
	for i := range p.status {
		p.status[i] = paintOf(s.status(i * 100))
	}
	return p
}

// statusPaint is status's paint for code.
func (p *rowPaints) statusPaint(code int) paint {
	if code < 0 || code >= 600 {
		return p.status[5]
	}
	return p.status[code/100]
}
