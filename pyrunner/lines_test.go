package pyrunner

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestLineReader(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		max      int
		want     []string
	}{
		{"lines", "a\nb\r\n\nlast", 10, []string{"a", "b", "", "last"}},
		{"cut", "0123456789abcdef\nnext\n", 10, []string{"0123456789… [line cut: 6 more bytes]", "next"}},
		{"cut inside a rune", "abcdefghi\u2603\n", 10, []string{"abcdefghi… [line cut: 3 more bytes]"}},
		{"longer than the buffer", strings.Repeat("x", 200<<10) + "\nafter\n", 10, []string{"xxxxxxxxxx… [line cut: 204790 more bytes]", "after"}},
		{"none", "", 10, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lr := newLineReader(strings.NewReader(tc.in))
			lr.max = tc.max
			var got []string
			for {
				line, err := lr.next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, line)
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("lines %q, want %q", got, tc.want)
			}
		})
	}
}
