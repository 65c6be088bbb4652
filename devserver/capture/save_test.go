package capture

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

func TestWriteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "saved.jsonl")
	h := Header{Version: Version, Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), App: "app.py", BodyMax: 262144}
	exs := []*exchange.Exchange{
		{ID: 3, Method: "GET", Target: "/a", Proto: "HTTP/1.1", Status: 200, Done: true, ResponseBody: exchange.Body{Data: []byte("hello"), Size: 5}},
		{ID: 7, Method: "POST", Target: "/b", Proto: "HTTP/1.1", Status: 201, Done: true, ReplayOf: 3},
	}
	if err := WriteFile(path, h, exs, false); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != Private {
		t.Errorf("mode %v (%v), want %v", info.Mode().Perm(), err, Private)
	}
	src, err := ReadFile(path)
	if err != nil || len(src.Problems) > 0 || len(src.Entries) != 2 || src.Header().App != "app.py" {
		t.Fatalf("read back: %+v, %v", src, err)
	}
	if got := src.Entries[0].Exchange; got.ID != 3 || string(got.ResponseBody.Data) != "hello" {
		t.Errorf("the first exchange read back as %+v", got)
	}
	if got := src.Entries[1].Exchange; got.ReplayOf != 3 || got.Target != "/b" {
		t.Errorf("the second exchange read back as %+v", got)
	}

	// A file that exists is kept unless replace says otherwise.
	err = WriteFile(path, h, exs[:1], false)
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("writing over a file: %v, want an error wrapping fs.ErrExist", err)
	}
	if src, _ := ReadFile(path); len(src.Entries) != 2 {
		t.Errorf("the refused write changed the file: %d entries", len(src.Entries))
	}
	if err := WriteFile(path, h, exs[:1], true); err != nil {
		t.Fatal(err)
	}
	if src, _ := ReadFile(path); len(src.Entries) != 1 {
		t.Errorf("replace left %d entries, want 1", len(src.Entries))
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != Private {
		t.Errorf("the replaced file is %v", info.Mode().Perm())
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("files left beside it: %v", entries)
	}
}
