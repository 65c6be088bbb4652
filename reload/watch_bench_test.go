//go:build unix

package reload

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
)

// Run with: go test ./reload/ -run '^$' -bench . -benchtime 1x
//
// BenchmarkIdleCPU watches 10,000 .py files (100 folders of 100) and
// measures the CPU time the process spends while nothing changes, as a
// percentage of one core. BenchmarkLatency measures how long a change to one
// of those files takes to come out as a batch.

const (
	benchDirs  = 100
	benchFiles = 100 // per folder
	idleFor    = 5 * time.Second
)

func benchTree(b *testing.B) (dir string, files []string) {
	b.Helper()
	dir = b.TempDir()
	for d := range benchDirs {
		sub := filepath.Join(dir, fmt.Sprintf("pkg%03d", d))
		if err := os.Mkdir(sub, 0o755); err != nil {
			b.Fatal(err)
		}
		for f := range benchFiles {
			p := filepath.Join(sub, fmt.Sprintf("mod%03d.py", f))
			if err := os.WriteFile(p, []byte("x = 1\n"), 0o644); err != nil {
				b.Fatal(err)
			}
			files = append(files, p)
		}
	}
	// As in a real project, the files were not all written a moment ago.
	old := time.Now().Add(-time.Hour)
	for _, p := range files {
		if err := os.Chtimes(p, old, old); err != nil {
			b.Fatal(err)
		}
	}
	return dir, files
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkIdleCPU(b *testing.B) {
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			dir, files := benchTree(b)
			w, err := New(Config{Roots: []string{dir}, Poll: m.poll})
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			time.Sleep(racyWindow + 500*time.Millisecond) // past the start
			var pct float64
			for b.Loop() {
				c0, t0 := cpuTime(), time.Now()
				time.Sleep(idleFor)
				pct = 100 * float64(cpuTime()-c0) / float64(time.Since(t0))
			}
			b.ReportMetric(pct, "%core")
			b.Logf("%s: %d files, %s, idle CPU %.3f%% of a core over %s",
				m.name, len(files), w.Describe(), pct, idleFor)
		})
	}
}

func BenchmarkLatency(b *testing.B) {
	edits := []struct {
		name string
		do   func(p string) error
	}{
		{"in place", func(p string) error {
			f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = f.WriteString("y = 2\n")
			return err
		}},
		{"rename", func(p string) error {
			if err := os.WriteFile(p+".tmp~", []byte("z = 3\n"), 0o644); err != nil {
				return err
			}
			return os.Rename(p+".tmp~", p)
		}},
	}
	for _, m := range modes {
		for _, e := range edits {
			b.Run(m.name+"/"+e.name, func(b *testing.B) {
				dir, files := benchTree(b)
				w, err := New(Config{Roots: []string{dir}, Poll: m.poll})
				if err != nil {
					b.Fatal(err)
				}
				defer w.Close()
				time.Sleep(racyWindow + 500*time.Millisecond)
				var lat []time.Duration
				for b.Loop() {
					lat = lat[:0]
					for i := range 10 {
						p := files[(i*997+500)%len(files)] // spread out, never hot
						t0 := time.Now()
						if err := e.do(p); err != nil {
							b.Fatal(err)
						}
						select {
						case <-w.Batches():
							lat = append(lat, time.Since(t0))
						case <-time.After(30 * time.Second):
							b.Fatal("no batch")
						}
					}
				}
				slices.Sort(lat)
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-median")
				b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "ms-max")
				b.Logf("%s %s: median %s, max %s over %d edits", m.name, e.name,
					lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond), len(lat))
			})
		}
	}
}
