package capture

import (
	"fmt"
	"strings"
)

// UnifiedDiff returns a unified diff of two texts, line by line with three
// lines of context, or "" when they are equal. A very large difference
// falls back to replacing the whole changed middle instead of the
// smallest edit.
func UnifiedDiff(oldName, newName, a, b string) string {
	if a == b {
		return ""
	}
	ops := diffLines(splitLines(a), splitLines(b))
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
	for _, h := range hunks(ops, 3) {
		writeHunk(&out, ops[h[0]:h[1]])
	}
	return out.String()
}

// splitLines splits after each newline; the last line may lack one.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// op is one line of an edit script: ' ' kept, '-' removed, '+' added, with
// its line numbers in a and b (1-based, the next line's for the side it is
// not on).
type op struct {
	kind   byte
	line   string
	ai, bi int
}

// maxCells bounds the LCS table (4 bytes a cell).
const maxCells = 4 << 20

func diffLines(a, b []string) []op {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var ops []op
	for i := 0; i < pre; i++ {
		ops = append(ops, op{' ', a[i], i + 1, i + 1})
	}
	ops = append(ops, diffMiddle(a[pre:len(a)-suf], b[pre:len(b)-suf], pre, pre)...)
	for k := 0; k < suf; k++ {
		i, j := len(a)-suf+k, len(b)-suf+k
		ops = append(ops, op{' ', a[i], i + 1, j + 1})
	}
	return ops
}

// diffMiddle is the smallest edit by longest common subsequence, or the
// whole block replaced when the table would be too big.
func diffMiddle(a, b []string, aOff, bOff int) []op {
	n, m := len(a), len(b)
	var ops []op
	if (n+1)*(m+1) > maxCells {
		for i, l := range a {
			ops = append(ops, op{'-', l, aOff + i + 1, bOff + 1})
		}
		for j, l := range b {
			ops = append(ops, op{'+', l, aOff + n + 1, bOff + j + 1})
		}
		return ops
	}
	// lcs[i][j] is the LCS length of a[i:] and b[j:].
	w := m + 1
	lcs := make([]int32, (n+1)*w)
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			ops = append(ops, op{' ', a[i], aOff + i + 1, bOff + j + 1})
			i++
			j++
		case i < n && (j == m || lcs[(i+1)*w+j] >= lcs[i*w+j+1]):
			ops = append(ops, op{'-', a[i], aOff + i + 1, bOff + j + 1})
			i++
		default:
			ops = append(ops, op{'+', b[j], aOff + i + 1, bOff + j + 1})
			j++
		}
	}
	return ops
}

// hunks returns [start, end) ranges of ops: each change with up to ctx
// lines of context, ranges that touch merged.
func hunks(ops []op, ctx int) [][2]int {
	var out [][2]int
	for i := 0; i < len(ops); i++ {
		if ops[i].kind == ' ' {
			continue
		}
		start := max(i-ctx, 0)
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*ctx {
				end = min(end+ctx, len(ops))
				break
			}
			end = run
		}
		if n := len(out); n > 0 && out[n-1][1] >= start {
			out[n-1][1] = end
		} else {
			out = append(out, [2]int{start, end})
		}
		i = end - 1
	}
	return out
}

func writeHunk(out *strings.Builder, ops []op) {
	aStart, bStart, aLen, bLen := ops[0].ai, ops[0].bi, 0, 0
	for _, o := range ops {
		if o.kind != '+' {
			aLen++
		}
		if o.kind != '-' {
			bLen++
		}
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(aStart, aLen), hunkRange(bStart, bLen))
	for _, o := range ops {
		out.WriteByte(o.kind)
		out.WriteString(o.line)
		if !strings.HasSuffix(o.line, "\n") {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange is "start,len" as diff -u writes it: ",1" left out, and an
// empty range starts at the line before it.
func hunkRange(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start-1)
	case 1:
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}
