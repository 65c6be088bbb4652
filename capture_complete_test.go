package main

// What the capture file promises: every request a client got a whole
// answer to is in it, even when wsgidev is killed with SIGKILL under load
// (issue 14, item 5), and a request body is kept even when the app never
// read it (item 6).

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/capture"
)

func TestCaptureCompleteAfterKill9UnderLoad(t *testing.T) {
	t.Parallel()
	dir := captureApp(t)
	path := filepath.Join(dir, "capture.jsonl")
	p := startServing(t, launch{dir: dir, args: []string{"serve", "--port", "0", "--no-reload", "--capture", path}})
	pid := p.childPID()

	// The app's close() takes a while after the whole answer is out (a
	// slow cleanup): the window in which a client could have its answer
	// before the request is recorded.
	const clients, killAfter = 16, 200
	var (
		mu       sync.Mutex
		answered = map[string]bool{} // targets whose whole answer came
		killed   = make(chan struct{})
		wg       sync.WaitGroup
	)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Transport: &http.Transport{}} // keep-alive, one connection each
			defer client.CloseIdleConnections()
			for n := 0; ; n++ {
				select {
				case <-killed:
					return
				default:
				}
				target := fmt.Sprintf("/slow-close?c=%d&n=%d", c, n)
				resp, err := client.Get(p.base + target)
				if err != nil {
					return // killed
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK || int64(len(body)) != resp.ContentLength {
					continue // cut by the kill: not answered whole
				}
				mu.Lock()
				answered[target] = true
				if len(answered) == killAfter {
					p.signal(syscall.SIGKILL) // while the other clients are mid-request
				}
				mu.Unlock()
			}
		}()
	}
	p.wait()
	close(killed)
	wg.Wait()
	waitGone(t, pid, "the Python child of a SIGKILLed wsgidev")

	src, err := capture.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	captured := map[string]bool{}
	for _, e := range src.Entries {
		captured[e.Exchange.Target] = true
	}
	var missing []string
	for target := range answered {
		if !captured[target] {
			missing = append(missing, target)
		}
	}
	if len(missing) > 0 || len(answered) < killAfter {
		t.Errorf("%d of %d answered requests are missing from the capture: %v", len(missing), len(answered), missing)
	}
}

// A POST the app never reads is captured with its body, so the exports
// send it again.
func TestCaptureKeepsUnreadBody(t *testing.T) {
	t.Parallel()
	dir := captureApp(t)
	path := filepath.Join(dir, "capture.jsonl")
	p := startServing(t, launch{dir: dir, args: []string{"serve", "--port", "0", "--no-reload", "--capture", path}})
	body := strings.Repeat("field=value&", 25) // 300 bytes; /json never reads them
	p.send(captureRequest{method: "POST", path: "/json", body: body, header: []string{"Content-Type: application/x-www-form-urlencoded"}})
	p.signal(syscall.SIGTERM)
	p.wait()
	src, err := capture.ReadFile(path)
	if err != nil || len(src.Entries) != 1 {
		t.Fatalf("%v, %d entries", err, len(src.Entries))
	}
	if rb := src.Entries[0].Exchange.RequestBody; string(rb.Data) != body || rb.Size != 300 || rb.Unread != 300 {
		t.Errorf("captured body %q, size %d, unread %d; want the 300 bytes sent, all unread by the app", rb.Data, rb.Size, rb.Unread)
	}
	script, code := run(t, dir, "export", "--format", "curl", path)
	if code != 0 || !strings.Contains(script.stdout.String(), body) {
		t.Errorf("the curl export does not send the body (exit %d):\n%s", code, script.dump())
	}
}
