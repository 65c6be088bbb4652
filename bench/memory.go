//go:build linux

package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

const (
	rssEvery = 50 * time.Millisecond
	rssLimit = 100e6 // bytes, issue 2's target for wsgidev and for its child
)

// memory uploads and downloads a big body through a fresh wsgidev while
// sampling the RSS of wsgidev and of its Python child.
func (b *bench) memory(ctx context.Context) error {
	defer b.stopAll()
	logf("starting wsgidev on stream for the memory part")
	p, err := b.start(ctx, wsgidevServer, memoryApp)
	if err != nil {
		return err
	}
	child, err := childOf(p.pid())
	if err != nil {
		return err
	}
	size := b.mib << 20
	rows := []string{fmt.Sprintf("  %-10s %9s %10s %14s %14s", "transfer", "time", "MB/s", "wsgidev peak", "python peak")}
	transfers := []struct {
		name string
		run  func(context.Context, string, int64) error
	}{{"upload", upload}, {"download", download}}
	for _, t := range transfers {
		logf("%s %d MiB", t.name, b.mib)
		start := time.Now()
		peaks, err := sampleRSS([]int{p.pid(), child}, func() error { return t.run(ctx, p.url, size) })
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		took := time.Since(start)
		rows = append(rows, fmt.Sprintf("  %-10s %9s %10.0f %14s %14s", t.name, took.Round(time.Millisecond),
			float64(size)/1e6/took.Seconds(), mb(peaks[0]), mb(peaks[1])))
		for i, who := range []string{"wsgidev", "python child"} {
			b.checks = append(b.checks, check{
				what:     fmt.Sprintf("memory: %s of %d MiB, %s peak RSS", t.name, b.mib, who),
				target:   "< 100 MB",
				measured: mb(peaks[i]),
				pass:     peaks[i] < rssLimit,
			})
		}
	}
	for i, pid := range []int{p.pid(), child} {
		_, hwm, err := rss(pid)
		if err != nil {
			return fmt.Errorf("the python child is gone after the transfers: %w", err)
		}
		rows = append(rows, fmt.Sprintf("  %s high-water mark since start (VmHWM): %s", []string{"wsgidev", "python child"}[i], mb(hwm)))
	}
	fmt.Printf("\nmemory: %d MiB through one wsgidev (stream.py, 64 KiB pieces), RSS sampled every %s\n", b.mib, rssEvery)
	fmt.Println(strings.Join(rows, "\n"))
	return nil
}

// sampleRSS runs transfer while reading the RSS of pids every rssEvery,
// and returns each one's peak.
func sampleRSS(pids []int, transfer func() error) ([]int64, error) {
	peaks := make([]int64, len(pids))
	sample := func() error {
		for i, pid := range pids {
			now, _, err := rss(pid)
			if err != nil {
				return err
			}
			peaks[i] = max(peaks[i], now)
		}
		return nil
	}
	done := make(chan error, 1)
	go func() { done <- transfer() }()
	tick := time.NewTicker(rssEvery)
	defer tick.Stop()
	for {
		if err := sample(); err != nil {
			return nil, fmt.Errorf("reading RSS: %w", err)
		}
		select {
		case err := <-done:
			return peaks, err
		case <-tick.C:
		}
	}
}

// upload POSTs size bytes made on the fly and checks the app's SHA-256.
func upload(ctx context.Context, url string, size int64) error {
	body := &patternReader{left: size, sum: sha256.New(), done: make(chan struct{})}
	body.block = make([]byte, 64<<10)
	rand.NewChaCha8([32]byte{}).Read(body.block) // any fixed bytes do
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"upload", body)
	if err != nil {
		return err
	}
	req.ContentLength = size
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if err != nil || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST /upload: %s %q %v", resp.Status, answer, err)
	}
	select {
	case <-body.done:
	case <-time.After(10 * time.Second):
		return fmt.Errorf("the HTTP client never read the upload body to its end")
	}
	want := fmt.Sprintf("%s %d", hex.EncodeToString(body.sum.Sum(nil)), size)
	if got := strings.TrimSpace(string(answer)); got != want {
		return fmt.Errorf("the app received other bytes: it says %q, the bench sent %q", got, want)
	}
	return nil
}

// download GETs size bytes streamed by the app and counts them.
func download(ctx context.Context, url string, size int64) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%sdownload?mib=%d", url, size>>20), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /download: %s", resp.Status)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return fmt.Errorf("after %d bytes: %w", n, err)
	}
	if n != size {
		return fmt.Errorf("got %d bytes, want %d", n, size)
	}
	return nil
}

// patternReader yields left bytes by repeating block, hashing what it
// yields; done is closed at the end, so the hash is safe to read after it.
type patternReader struct {
	block []byte
	off   int
	left  int64
	sum   hash.Hash
	done  chan struct{}
}

func (r *patternReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		select {
		case <-r.done:
		default:
			close(r.done)
		}
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.left)]
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.block[r.off:])
		r.off = (r.off + c) % len(r.block)
		n += c
	}
	r.sum.Write(p)
	r.left -= int64(n)
	return n, nil
}

// mb formats bytes in decimal megabytes, the unit of the targets.
func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
