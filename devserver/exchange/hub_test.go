package exchange

import "testing"

func TestHubNeverBlocksAndKeepsEssentials(t *testing.T) {
	h := NewHub()
	s := h.Subscribe()
	defer s.Close()
	const n = maxDetail * 3
	for i := 0; i < n; i++ {
		h.Publish(Update{Event: &EventOf{ID: uint64(i)}})
		if i%3 == 0 {
			h.Publish(Update{Done: &Exchange{ID: uint64(i)}})
		}
	}
	got, dropped := s.Drain()
	var done, detail int
	for _, u := range got {
		if u.Done != nil {
			done++
		} else {
			detail++
		}
	}
	if want := (n + 2) / 3; done != want {
		t.Errorf("kept %d done updates, want all %d", done, want)
	}
	if detail != maxDetail || dropped.Total() != n-maxDetail || dropped.Output != 0 {
		t.Errorf("detail %d dropped %d; want %d and %d", detail, dropped, maxDetail, n-maxDetail)
	}
	if again, _ := s.Drain(); len(again) != 0 {
		t.Errorf("second drain returned %d updates", len(again))
	}
}

func TestBodyAppendCaps(t *testing.T) {
	tests := []struct {
		name      string
		parts     []string
		limit     int
		want      string
		truncated bool
	}{
		{"under the cap", []string{"ab", "cd"}, 10, "abcd", false},
		{"at the cap", []string{"abcd"}, 4, "abcd", false},
		{"over the cap", []string{"ab", "cdef"}, 3, "abc", true},
		{"cap of zero", []string{"ab"}, 0, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b Body
			for _, p := range tt.parts {
				b.Append([]byte(p), tt.limit)
			}
			if string(b.Data) != tt.want || b.Truncated != tt.truncated {
				t.Fatalf("got %q truncated=%v", b.Data, b.Truncated)
			}
		})
	}
}

// What a subscriber loses is counted apart when it is the app's output.
func TestHubCountsDroppedOutput(t *testing.T) {
	h := NewHub()
	s := h.Subscribe()
	defer s.Close()
	for i := 0; i < maxDetail; i++ {
		h.Publish(Update{Event: &EventOf{ID: 1, Event: Event{Kind: EventChunk}}})
	}
	h.Publish(Update{Output: &Output{Line: "lost"}})
	h.Publish(Update{Event: &EventOf{ID: 1, Event: Event{Kind: EventLog, Text: "lost too"}}})
	h.Publish(Update{Started: &Exchange{ID: 2}})
	if _, dropped := s.Drain(); dropped != (Dropped{Output: 2, Other: 1}) {
		t.Errorf("dropped %+v, want 2 of output and 1 other", dropped)
	}
}

// A debugger's held state survives a subscriber that has fallen behind.
func TestHubKeepsHeldEvents(t *testing.T) {
	h := NewHub()
	s := h.Subscribe()
	defer s.Close()
	for i := 0; i < maxDetail; i++ {
		h.Publish(Update{Event: &EventOf{ID: 1, Event: Event{Kind: EventChunk}}})
	}
	h.Publish(Update{Event: &EventOf{ID: 2, Event: Event{Kind: EventHeld, Text: HeldBeforeApp}}})
	h.Publish(Update{Event: &EventOf{ID: 2, Event: Event{Kind: EventEnvironEdit}}})
	h.Publish(Update{Event: &EventOf{ID: 2, Event: Event{Kind: EventDebug}}})
	h.Publish(Update{Event: &EventOf{ID: 2, Event: Event{Kind: EventChunk}}})
	got, dropped := s.Drain()
	var kinds []string
	for _, u := range got[maxDetail:] {
		kinds = append(kinds, u.Event.Event.Kind)
	}
	if len(kinds) != 3 || kinds[0] != EventHeld || kinds[1] != EventEnvironEdit || kinds[2] != EventDebug || dropped.Total() != 1 {
		t.Errorf("after a full queue: %v, %d dropped; want held, environ-edit and debug kept, the chunk dropped", kinds, dropped)
	}
}

// Drains take turns with three arrays: one queues, one is the caller's
// from the last drain, and the one before that is emptied (so what it
// held can go) and queues next.
func TestDrainReusesArrays(t *testing.T) {
	h := NewHub()
	s := h.Subscribe()
	defer s.Close()
	var drains [][]Update
	for id := uint64(1); id <= 4; id++ {
		h.Publish(Update{Done: &Exchange{ID: id}})
		if id > 1 && drains[id-2][0].Done.ID != id-1 {
			t.Fatalf("drain %d's updates changed while the next ones queued", id-1)
		}
		got, _ := s.Drain()
		if len(got) != 1 || got[0].Done.ID != id {
			t.Fatalf("drain %d: %+v", id, got)
		}
		if id > 1 && drains[id-2][0].Done != nil {
			t.Errorf("drain %d's updates were kept after the next drain", id-1)
		}
		drains = append(drains, got)
	}
	if &drains[3][0] != &drains[0][0] {
		t.Errorf("the fourth drain did not reuse the first one's array")
	}
}
