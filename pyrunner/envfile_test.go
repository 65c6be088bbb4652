package pyrunner

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseEnvFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".env")
	writeFile(t, path, "# settings\n\nA=1\nexport B = two words \nC=\"quoted = yes\"\nD='single'\nE=\n")
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
