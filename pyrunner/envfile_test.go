package pyrunner

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseEnvFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".env")
	writeFile(t, path, "\ufeff# settings\n\nA=1\nexport B = two words \nC=\"quoted = yes\"\nD='single'\nE=\n")
	got, err := ParseEnvFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"A=1", "B=two words", "C=quoted = yes", "D=single", "E="}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q", got)
	}
	writeFile(t, path, "A=1\nnot a pair\n")
	if _, err := ParseEnvFile(path); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("want a line-2 error, got %v", err)
	}
}

func TestParseEnvLine(t *testing.T) {
	for _, tc := range []struct{ line, want, err string }{
		{line: "A=1", want: "A=1"},
		{line: "export A=1", want: "A=1"},
		{line: "export\tA=1", want: "A=1"},
		{line: "exported=1", want: "exported=1"}, // a key that starts with export
		{line: "A = spaced ", want: "A=spaced"},
		{line: "A=value # a comment", want: "A=value"},
		{line: "A=value\t# a comment", want: "A=value"},
		{line: "A=a#b", want: "A=a#b"}, // no space: part of the value
		{line: `A="a # b"`, want: "A=a # b"},
		{line: `A="a # b" # comment`, want: "A=a # b"},
		{line: `A="line\nnext\t\"q\" \\ \x"`, want: "A=line\nnext\t\"q\" \\ \\x"},
		{line: `A='as \n is' # c`, want: `A=as \n is`},
		{line: "A=${HOME}/x", want: "A=${HOME}/x"}, // never expanded
		{line: `A=""`, want: "A="},
		{line: "A=", want: "A="},
		{line: "A=x=y", want: "A=x=y"},
		{line: "not a pair", err: `"not a pair" is not KEY=VALUE`},
		{line: "=1", err: "is not KEY=VALUE"},
		{line: "MY KEY=1", err: "is not KEY=VALUE"},
		{line: `A="open`, err: `A: the " that opens the value is not closed on its line`},
		{line: `A='open`, err: `A: the ' that opens the value is not closed on its line`},
		{line: `A="x" y`, err: `A: "y" after the quoted value`},
	} {
		got, err := parseEnvLine(tc.line)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want one saying %q", tc.line, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: got %q, %v; want %q", tc.line, got, err, tc.want)
		}
	}
}

func FuzzParseEnvLine(f *testing.F) {
	for _, s := range []string{"A=1", `A="x\n" # c`, "export A='b'", "A", `A="`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		kv, err := parseEnvLine(line)
		if err != nil {
			return
		}
		if key, _, ok := strings.Cut(kv, "="); !ok || key == "" || strings.ContainsAny(key, " \t") {
			t.Fatalf("%q gave %q, which is not KEY=VALUE", line, kv)
		}
	})
}
