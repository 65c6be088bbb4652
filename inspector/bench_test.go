package inspector

import (
	"io"
	"strconv"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// benchExchange is a finished exchange like the ones a busy app makes.
func benchExchange(id uint64, env []exchange.EnvVar) *exchange.Exchange {
	methods := [...]string{"GET", "GET", "POST", "PUT", "DELETE"}
	statuses := [...]int{200, 200, 201, 304, 404, 500, 302}
	i := int(id)
	ex := &exchange.Exchange{
		ID: id, Start: base.Add(time.Duration(i) * ms), Duration: time.Duration(300+i%5000) * time.Microsecond,
		Method: methods[i%len(methods)], Target: "/api/items/" + strconv.Itoa(i) + "?page=" + strconv.Itoa(i%7),
		Proto: "HTTP/1.1", Status: statuses[i%len(statuses)], Environ: env, Done: true,
		ResponseBody: exchange.Body{Size: int64(100 + i%4000)},
		Events: []exchange.Event{
			{Kind: exchange.EventEnviron, Offset: 100 * time.Microsecond},
			{Kind: exchange.EventStartResponse, Offset: 200 * time.Microsecond, Status: "200 OK"},
			{Kind: exchange.EventChunk, Offset: 250 * time.Microsecond, Size: 100},
			{Kind: exchange.EventClose, Offset: 290 * time.Microsecond},
		},
	}
	return ex
}

// benchModel holds n finished exchanges, at 120×40.
func benchModel(b *testing.B, n int) Model {
	b.Helper()
	opts := testOptions()
	opts.Keep = n
	m := newTestModel(120, 40, opts)
	env := cgiEnviron("GET", "/api/items", nil)
	updates := make([]exchange.Update, n)
	for i := range updates {
		updates[i] = exchange.Update{Done: benchExchange(uint64(i+1), env)}
	}
	m = send(m, UpdatesMsg(updates))
	if m.c.store.len() != n {
		b.Fatalf("model holds %d exchanges, want %d", m.c.store.len(), n)
	}
	return m
}

// step is one key press: Update and View, as bubbletea does it.
func step(m Model, msg tea.Msg) Model {
	next, _ := m.Update(msg)
	m = next.(Model)
	_ = m.View()
	return m
}

// BenchmarkScroll100k moves the cursor through 100,000 exchanges, drawn
// without colour (NO_COLOR) and in true colour.
func BenchmarkScroll100k(b *testing.B) {
	for _, profile := range []termenv.Profile{termenv.Ascii, termenv.TrueColor} {
		b.Run(profile.Name(), func(b *testing.B) {
			m := benchModel(b, 100_000)
			r := lipgloss.NewRenderer(io.Discard)
			r.SetColorProfile(profile)
			r.SetHasDarkBackground(true)
			m.c.styles = DefaultStyles(r)
			up, down := keyMsg("k"), keyMsg("j")
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				msg := up
				if (i/5000)%2 == 1 {
					msg = down
				}
				m = step(m, msg)
			}
		})
	}
}

// BenchmarkFilter100k types into the filter over 100,000 exchanges. Every
// other key widens the filter (a full scan); the others narrow it.
func BenchmarkFilter100k(b *testing.B) {
	for _, c := range []struct{ name, query, last string }{
		{"text", "items/1", "2"},
		{"status", "status:5x", "x"},
		{"method", "method:pos", "t"},
	} {
		b.Run(c.name, func(b *testing.B) {
			m := typeText(press(benchModel(b, 100_000), "/"), c.query)
			add, del := keyMsg(c.last), keyMsg("backspace")
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if i%2 == 0 {
					m = step(m, add)
				} else {
					m = step(m, del)
				}
			}
		})
	}
}

// BenchmarkIngest takes batches of 1000 updates (200 requests: started,
// three events, done) into a model already full at 100,000.
func BenchmarkIngest(b *testing.B) {
	m := benchModel(b, 100_000)
	env := cgiEnviron("GET", "/api/items", nil)
	id := uint64(100_000)
	batch := make(UpdatesMsg, 0, 1000)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		batch = batch[:0]
		for range 200 {
			id++
			ex := benchExchange(id, env)
			started := exchange.Exchange{ID: id, Start: ex.Start, Method: ex.Method, Target: ex.Target, Proto: ex.Proto}
			batch = append(batch, exchange.Update{Started: &started})
			for _, e := range ex.Events[:3] {
				batch = append(batch, exchange.Update{Event: &exchange.EventOf{ID: id, Event: e}})
			}
			batch = append(batch, exchange.Update{Done: ex})
		}
		b.StartTimer()
		m = step(m, batch)
	}
	b.StopTimer()
	if n := len(m.c.store.rows); n != 100_000 {
		b.Fatalf("holds %d exchanges, want the 100,000 kept", n)
	}
}
