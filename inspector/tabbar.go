package inspector

import (
	"strconv"
	"strings"
)

// tabSpacing is how the tab bar writes the tabs' names: spaced out, closer
// together, or (the inactive ones) shortened, the first that fits.
type tabSpacing int

const (
	spacedTabs tabSpacing = iota
	tightTabs
	shortTabs
)

// tabLabel is tab t's text in the bar, drawn with spacing s.
func (d *detailModel) tabLabel(t tab, s tabSpacing) string {
	name := strconv.Itoa(int(t)+1) + " " + t.String()
	switch {
	case t == d.tab:
		return "[" + name + "]"
	case s == spacedTabs:
		return " " + name + " "
	case s == shortTabs:
		return strconv.Itoa(int(t)+1) + " " + t.short()
	}
	return name
}

// tabGap is the space between two names: none when they are spaced out.
func tabGap(s tabSpacing) int {
	if s == spacedTabs {
		return 0
	}
	return 1
}

// spacing is the widest spacing whose names fit beside what the tab bar
// says on its right (tabRoom cells, as last drawn).
func (d *detailModel) spacing() tabSpacing {
	for _, s := range []tabSpacing{spacedTabs, tightTabs} {
		w := 0
		for t := range numTabs {
			w += len(d.tabLabel(t, s)) + tabGap(s)
		}
		if w-tabGap(s)+d.tabRoom+1 <= d.width {
			return s
		}
	}
	return shortTabs
}

// tabNames are the tabs' names as the bar draws them.
func (d *detailModel) tabNames() string {
	st := &d.c.styles
	s := d.spacing()
	var b strings.Builder
	for t := range numTabs {
		if t > 0 && tabGap(s) > 0 {
			b.WriteString(" ")
		}
		style := st.TabInactive
		if t == d.tab {
			style = st.TabActive
		}
		b.WriteString(style.Render(d.tabLabel(t, s)))
	}
	return b.String()
}

// tabAt is the tab drawn at cell x of the tab bar.
func (d *detailModel) tabAt(x int) (tab, bool) {
	s := d.spacing()
	at := 0
	for t := range numTabs {
		w := len(d.tabLabel(t, s))
		if x >= at && x < at+w {
			return t, true
		}
		at += w + tabGap(s)
	}
	return 0, false
}

// short is the tab's name where the full names do not fit.
func (t tab) short() string {
	switch t {
	case tabEnviron:
		return "Env"
	case tabRequest:
		return "Req"
	case tabResponse:
		return "Resp"
	case tabTimeline:
		return "Time"
	}
	return t.String()
}
