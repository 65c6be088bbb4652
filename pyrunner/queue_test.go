package pyrunner

import (
	"strings"
	"testing"
	"time"
)

// The queue is announced once when it forms and once when it has
// drained, with how many waited and the longest wait.
func TestThreadQueueNotices(t *testing.T) {
	var said []string
	q := newThreadQueue(4, func(s string) { said = append(said, s) })
	t0 := time.Now()
	q.run(9, t0) // never waited: no news
	q.wait(1, t0)
	q.wait(2, t0.Add(time.Second))
	q.run(1, t0.Add(3*time.Second))
	q.run(2, t0.Add(3500*time.Millisecond))
	q.wait(3, t0.Add(4*time.Second))
	q.run(3, t0.Add(4100*time.Millisecond))
	want := []string{
		"all 4 threads of the app are busy (--threads 4)",
		"no request waits for a thread any more: 2 requests waited, the longest 3s",
		"all 4 threads of the app are busy",
		"no request waits for a thread any more: 1 request waited, the longest 100ms",
	}
	if len(said) != len(want) {
		t.Fatalf("notices %q", said)
	}
	for i := range want {
		if !strings.HasPrefix(said[i], want[i]) {
			t.Errorf("notice %d: %q, want %q…", i, said[i], want[i])
		}
	}
}
