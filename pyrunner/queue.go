package pyrunner

import (
	"fmt"
	"sync"
	"time"
)

// threadQueue follows the calls that wait for a free thread in the child
// (WAIT and RUN frames): with every thread busy a request simply hangs, so
// the user is told when a queue forms and when it has drained, with how
// many waited and for how long.
type threadQueue struct {
	threads int
	notice  func(string) // Config.OnNotice; nil: nobody listens

	mu      sync.Mutex
	waiting map[uint32]time.Time // call → when it began to wait
	waited  int                  // calls that waited since the queue formed
	longest time.Duration
}

func newThreadQueue(threads int, notice func(string)) *threadQueue {
	return &threadQueue{threads: threads, notice: notice, waiting: map[uint32]time.Time{}}
}

// wait notes that call id waits for a thread.
func (q *threadQueue) wait(id uint32, at time.Time) {
	q.mu.Lock()
	formed := len(q.waiting) == 0
	q.waiting[id] = at
	q.waited++
	q.mu.Unlock()
	if formed {
		q.say(fmt.Sprintf("all %d threads of the app are busy (--threads %d): new requests wait for one; "+
			"each request's timeline shows its wait", q.threads, q.threads))
	}
}

// run notes that call id got a thread, or ended (its child died) without
// one; a call that never waited is no news.
func (q *threadQueue) run(id uint32, at time.Time) {
	q.mu.Lock()
	since, ok := q.waiting[id]
	if !ok {
		q.mu.Unlock()
		return
	}
	delete(q.waiting, id)
	q.longest = max(q.longest, at.Sub(since))
	drained, count, longest := len(q.waiting) == 0, q.waited, q.longest
	if drained {
		q.waited, q.longest = 0, 0
	}
	q.mu.Unlock()
	if drained {
		q.say(fmt.Sprintf("no request waits for a thread any more: %s waited, the longest %s",
			pluralCalls(count), longest.Round(time.Millisecond)))
	}
}

func (q *threadQueue) say(text string) {
	if q.notice != nil {
		q.notice(text)
	}
}

func pluralCalls(n int) string {
	if n == 1 {
		return "1 request"
	}
	return fmt.Sprintf("%d requests", n)
}
