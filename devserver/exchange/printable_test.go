package exchange

import "testing"

func TestPrintable(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text, tabs\tstay", "plain text, tabs\tstay"},
		{"caf\u00e9 \u2603 \U0001F600", "caf\u00e9 \u2603 \U0001F600"},
		{"\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},
		{"\x1b]52;c;ZXZpbA==\x1b\\", `\x1b]52;c;ZXZpbA==\x1b\`},
		{"\x1b[2J\x1b[H", `\x1b[2J\x1b[H`},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"a\r\nb\x00c\x7f", `a\r\nb\x00c\x7f`},
		{"\u009b2J \u009d0;x\u009c", `\u009b2J \u009d0;x\u009c`},
		{"bad \xff\xfe utf-8 \x9b", `bad \xff\xfe utf-8 \x9b`},
		{"", ""},
	} {
		if got := Printable(tc.in); got != tc.want {
			t.Errorf("Printable(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzPrintable(f *testing.F) {
	f.Add("\x1b]0;x\x07 caf\u00e9 \xff")
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range Printable(s) {
			if r < 0x20 && r != '\t' || r >= 0x7f && r < 0xa0 || r == 0xfffd && !containsReplacement(s) {
				t.Fatalf("Printable(%q) keeps %U", s, r)
			}
		}
	})
}

// containsReplacement: a real U+FFFD in the input may stay.
func containsReplacement(s string) bool {
	for _, r := range s {
		if r == 0xfffd {
			return true
		}
	}
	return false
}
