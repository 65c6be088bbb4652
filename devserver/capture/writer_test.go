package capture

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// Lines written at once from many goroutines stay whole.
func TestWriterConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cap.jsonl")
	w, err := Create(path, Header{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 25; j++ {
				ex := sample(uint64(i*100+j), "/x")
				ex.ResponseBody = exchange.Body{Data: bytes.Repeat([]byte{'a' + byte(i)}, 5000), Size: 5000}
				if err := w.Write(ex); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	w.Close()
	w.Close() // twice is fine
	src, err := ReadFile(path)
	if err != nil || len(src.Entries) != 200 || len(src.Problems) != 0 {
		t.Fatalf("%v: %d entries, problems %v", err, len(src.Entries), src.Problems)
	}
}

func TestCreateAppendsAndRepairs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cap.jsonl")
	whole := captureFile(2)
	os.WriteFile(path, append(whole, `{"id":3,"method":"GET","tar`...), 0o644) // a crash mid-line
	w, err := Create(path, Header{App: "second.py"})
	if err != nil {
		t.Fatal(err)
	}
	if notes := w.Notes(); len(notes) == 0 || !strings.Contains(notes[0], "cut short (27 bytes") {
		t.Errorf("Notes() = %q", notes)
	}
	w.Write(sample(9, "/after"))
	w.Close()
	src, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := targets(src); got != "/1@2 /2@3 /after@5" || len(src.Problems) != 0 || len(src.Headers) != 2 {
		t.Errorf("entries %s, problems %v, %d headers", got, src.Problems, len(src.Headers))
	}
}

// Captures hold secrets: a new one is its owner's alone, and an old one
// others could read is made so before anything is appended.
func TestCreateIsPrivate(t *testing.T) {
	dir := t.TempDir()
	fresh, old := filepath.Join(dir, "fresh.jsonl"), filepath.Join(dir, "old.jsonl")
	os.WriteFile(old, captureFile(1), 0o644)
	os.Chmod(old, 0o640)
	for _, path := range []string{fresh, old} {
		w, err := Create(path, Header{})
		if err != nil {
			t.Fatal(err)
		}
		w.Close()
		if info, _ := os.Stat(path); info.Mode().Perm() != Private {
			t.Errorf("%s: mode %v, want %v", filepath.Base(path), info.Mode().Perm(), Private)
		}
		notes := strings.Join(w.Notes(), "\n")
		if want := path == old; strings.Contains(notes, "made it private") != want {
			t.Errorf("%s: Notes() = %q", filepath.Base(path), notes)
		}
	}
}

func TestCreateRefusesOtherFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.py")
	os.WriteFile(path, []byte("print('hi')"), 0o644) // no final newline: would look cut
	if _, err := Create(path, Header{}); err == nil || !strings.Contains(err.Error(), "not a wsgidev capture") {
		t.Errorf("Create(app.py) = %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "print('hi')" {
		t.Errorf("the file was changed: %q", data)
	}
}

func TestRewrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cap.jsonl")
	whole := captureFile(3)
	os.WriteFile(path, append(whole, `{"id":4,"meth`...), 0o600)
	newer := sample(2, "/2")
	newer.Status, newer.ResponseBody = 500, exchange.Body{Data: []byte("new"), Size: 3}
	if err := Rewrite(path, map[int]*exchange.Exchange{3: WithAnswer(sample(2, "/2"), newer)}, 64); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	old := strings.SplitAfter(string(whole), "\n")
	now := strings.SplitAfter(string(got), "\n")
	if len(now) != 5 || now[4] != "" {
		t.Fatalf("rewritten file has lines %q", now)
	}
	for _, i := range []int{0, 1, 3} {
		if now[i] != old[i] {
			t.Errorf("line %d changed:\n%s%s", i+1, old[i], now[i])
		}
	}
	l, err := DecodeLine([]byte(now[2]))
	if err != nil || l.Exchange.Status != 500 || string(l.Exchange.ResponseBody.Data) != "new" || l.Exchange.Target != "/2" {
		t.Errorf("line 3: %v %+v", err, l.Exchange)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the old 0600", info.Mode())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}
