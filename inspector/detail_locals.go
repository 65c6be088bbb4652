package inspector

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// localsBlocks shows, under a failure's traceback, the local variables of
// each of the app's frames, the one nearest the error first (and of the
// innermost frame when no frame is the app's): what the debug page shows
// in the browser.
func localsBlocks(st *Styles, f *exchange.Failure, width int) []block {
	var blocks []block
	nearest := f.AppFrame()
	for i := len(f.Frames) - 1; i >= 0; i-- {
		fr := &f.Frames[i]
		if (fr.Library && fr != nearest) || len(fr.Locals) == 0 {
			continue
		}
		where := fmt.Sprintf("%s() · %s, line %d", fr.Function, filepath.Base(fr.File), fr.Line)
		if fr.Library {
			where += " · a library's"
		}
		blocks = append(blocks, block{heading: true, lines: []string{""}},
			block{heading: true, lines: []string{st.Section.Render("Locals") + "  " + st.Dim.Render(sanitize(where))}})
		namew := 0
		for _, l := range fr.Locals {
			namew = max(namew, len(l.Name))
		}
		namew = min(namew, 24)
		for _, l := range fr.Locals {
			name, value := sanitize(l.Name), sanitize(l.Repr)
			head := "  " + pad(name, namew) + " = "
			indent := ansi.StringWidth(head)
			parts := hangingWrap(value, width-indent, width-indent)
			lines := []string{st.Key.Render(head) + parts[0]}
			for _, p := range parts[1:] {
				lines = append(lines, strings.Repeat(" ", indent)+p)
			}
			blocks = append(blocks, block{text: strings.ToLower(name + " = " + value), lines: lines})
		}
		if fr.LocalsLeft > 0 {
			note := fmt.Sprintf("  %d more not kept", fr.LocalsLeft)
			blocks = append(blocks, block{text: strings.ToLower(note), lines: []string{st.Dim.Render(note)}})
		}
	}
	return blocks
}
