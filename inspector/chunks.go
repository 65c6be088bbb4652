package inspector

// The Body tab's table of chunks: every chunk, or for a response of many
// (a stream of 20,000), a summary of their sizes and the gaps between
// them, then the first and the last rows.

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

const (
	maxChunkRows = 40 // a response with more chunks than this is summed up
	chunkEnds    = 8  // rows shown at each end of a summed-up table
)

// chunkTable lists the chunks (body iterations and write() calls).
func (d *doc) chunkTable(chunks []exchange.Event, called time.Duration) []block {
	st := &d.c.styles
	head := fmt.Sprintf("%6s  %10s  %10s  %10s", "#", "size", "offset", "since call")
	var blocks []block
	if len(chunks) > maxChunkRows {
		blocks = d.chunkSummary(chunks)
	}
	blocks = append(blocks, block{heading: true, lines: []string{st.Header.Render(head)}})
	var offset int64
	for i, e := range chunks {
		if len(chunks) > maxChunkRows && i == chunkEnds {
			skipped := len(chunks) - 2*chunkEnds
			msg := fmt.Sprintf("%6s  … %s not listed", "", plural(skipped, "chunk", "chunks"))
			blocks = append(blocks, block{heading: true, lines: []string{st.Dim.Render(msg)}})
		}
		if len(chunks) <= maxChunkRows || i < chunkEnds || i >= len(chunks)-chunkEnds {
			kind := ""
			if e.Kind == exchange.EventWrite {
				kind = "  write()"
			}
			line := fmt.Sprintf("%6d  %10s  %10s  %10s%s", i+1, formatSize(int64(e.Size)), formatSize(offset), formatOffset(e.Offset-called), kind)
			blocks = append(blocks, block{text: strings.ToLower(line), lines: []string{line}})
		}
		offset += int64(e.Size)
	}
	return blocks
}

// chunkSummary says how big the chunks are and how far apart they came.
func (d *doc) chunkSummary(chunks []exchange.Event) []block {
	st := &d.c.styles
	sizes := make([]int, len(chunks))
	gaps := make([]time.Duration, 0, len(chunks)-1)
	longest, before := time.Duration(-1), 0
	writes := 0
	for i, e := range chunks {
		sizes[i] = e.Size
		if e.Kind == exchange.EventWrite {
			writes++
		}
		if i > 0 {
			gap := e.Offset - chunks[i-1].Offset
			gaps = append(gaps, gap)
			if gap > longest {
				longest, before = gap, i+1
			}
		}
	}
	slices.Sort(sizes)
	slices.Sort(gaps)
	lines := []string{
		fmt.Sprintf("sizes: smallest %s, median %s, largest %s",
			formatSize(int64(sizes[0])), formatSize(int64(sizes[len(sizes)/2])), formatSize(int64(sizes[len(sizes)-1]))),
		fmt.Sprintf("gaps between chunks: shortest %s, median %s, longest %s (before #%s)",
			formatDuration(gaps[0]), formatDuration(gaps[len(gaps)/2]), formatDuration(longest), formatCount(before)),
		fmt.Sprintf("first at %s, last at %s from the request's arrival",
			formatOffset(chunks[0].Offset), formatOffset(chunks[len(chunks)-1].Offset)),
	}
	if writes > 0 {
		lines = append(lines, fmt.Sprintf("%s by write(), the rest by the iterable", plural(writes, "chunk was", "chunks were")))
	}
	var blocks []block
	for _, l := range lines {
		blocks = append(blocks, block{text: strings.ToLower(l), lines: wrapStyle(st.Plain, l, d.width)})
	}
	return blocks
}
