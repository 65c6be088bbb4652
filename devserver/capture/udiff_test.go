package capture

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"testing"
)

func TestUnifiedDiff(t *testing.T) {
	for _, tc := range []struct {
		name, a, b, want string
	}{
		{"equal", "x\n", "x\n", ""},
		{"one line", "a\nb\nc\n", "a\nB\nc\n", "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"},
		{"added at end", "a\n", "a\nb\n", "@@ -1 +1,2 @@\n a\n+b\n"},
		{"from empty", "", "a\n", "@@ -0,0 +1 @@\n+a\n"},
		{"to empty", "a\nb\n", "", "@@ -1,2 +0,0 @@\n-a\n-b\n"},
		{"no newline", "a", "b", "@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n"},
		{"newline added", "a", "a\n", "@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n"},
		{
			"two hunks",
			"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
			"1\nX\n3\n4\n5\n6\n7\n8\n9\n10\nY\n12\n",
			"@@ -1,5 +1,5 @@\n 1\n-2\n+X\n 3\n 4\n 5\n@@ -8,5 +8,5 @@\n 8\n 9\n 10\n-11\n+Y\n 12\n",
		},
		{
			"close changes share a hunk",
			"1\n2\n3\n4\n5\n6\n7\n8\n",
			"1\nX\n3\n4\n5\n6\nY\n8\n",
			"@@ -1,8 +1,8 @@\n 1\n-2\n+X\n 3\n 4\n 5\n 6\n-7\n+Y\n 8\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := UnifiedDiff("a", "b", tc.a, tc.b)
			if tc.want != "" {
				tc.want = "--- a\n+++ b\n" + tc.want
			}
			if got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// Random edits: the diff, applied to a, gives b, and it changes no more
// lines than it must (each hunk's removed and added lines differ).
func TestUnifiedDiffApplies(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 500; i++ {
		a := randomText(rng)
		b := randomText(rng)
		if rng.Intn(2) == 0 {
			b = mutate(rng, a)
		}
		d := UnifiedDiff("a", "b", a, b)
		if got, err := applyDiff(a, d); err != nil || got != b {
			t.Fatalf("case %d: applying the diff gave %q (%v), want %q\na=%q\ndiff:\n%s", i, got, err, b, a, d)
		}
	}
}

func randomText(rng *rand.Rand) string {
	var lines []string
	for n := rng.Intn(12); n > 0; n-- {
		lines = append(lines, strconv.Itoa(rng.Intn(5)))
	}
	s := strings.Join(lines, "\n")
	if s != "" && rng.Intn(3) > 0 {
		s += "\n"
	}
	return s
}

func mutate(rng *rand.Rand, a string) string {
	lines := splitLines(a)
	for n := rng.Intn(4); n > 0 && len(lines) > 0; n-- {
		i := rng.Intn(len(lines))
		switch rng.Intn(3) {
		case 0:
			lines = append(lines[:i], lines[i+1:]...)
		case 1:
			lines[i] = "new\n"
		default:
			lines = append(lines[:i], append([]string{"ins\n"}, lines[i:]...)...)
		}
	}
	return strings.Join(lines, "")
}

// applyDiff is a small patch(1) for the tests.
func applyDiff(a, diff string) (string, error) {
	if diff == "" {
		return a, nil
	}
	src := splitLines(a)
	var out []string
	next := 0 // the next line of src not yet copied
	lines := strings.Split(strings.TrimSuffix(diff, "\n"), "\n")[2:]
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "@@") {
			var start int
			fmt.Sscanf(l, "@@ -%d", &start)
			if !strings.Contains(strings.Fields(l)[1], ",0") {
				start--
			}
			out = append(out, src[next:start]...)
			next = start
			continue
		}
		noNL := i+1 < len(lines) && lines[i+1] == `\ No newline at end of file`
		text := l[1:]
		if !noNL {
			text += "\n"
		}
		switch l[0] {
		case ' ':
			out = append(out, text)
			next++
		case '-':
			if next >= len(src) || src[next] != text {
				return "", fmt.Errorf("line %d is not %q", next+1, text)
			}
			next++
		case '+':
			out = append(out, text)
		}
		if noNL {
			i++
		}
	}
	return strings.Join(append(out, src[next:]...), ""), nil
}
