package devserver

import (
	"testing"
	"time"
)

// The budget lets a burst of perSecond through, then one request per
// 1/perSecond seconds: what a person sends is all recorded, a load test
// is sampled.
func TestLayerBudget(t *testing.T) {
	b := layerBudget{perSecond: 100}
	t0 := time.Unix(1000, 0)
	for i := range 100 {
		if !b.take(t0) {
			t.Fatalf("request %d of a burst of 100 was refused", i+1)
		}
	}
	if b.take(t0) {
		t.Fatal("the 101st request in the same instant was let through")
	}
	if !b.take(t0.Add(10*time.Millisecond)) || b.take(t0.Add(10*time.Millisecond)) {
		t.Error("10 ms at 100 a second should let exactly one more through")
	}
	if n := takeAll(&b, t0.Add(time.Hour)); n != 100 {
		t.Errorf("after an hour's quiet %d went through at once, want the burst of 100", n)
	}
	slow := layerBudget{perSecond: 0.5}
	if !slow.take(t0) || slow.take(t0.Add(time.Second)) || !slow.take(t0.Add(3*time.Second)) {
		t.Error("at half a request a second: one at once, none a second later, one two seconds after that")
	}
}

func takeAll(b *layerBudget, now time.Time) int {
	n := 0
	for n < 1000 && b.take(now) {
		n++
	}
	return n
}
