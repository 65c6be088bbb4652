package devserver

import (
	"sync"
	"time"

	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/pyrunner"
)

// returned records what app(environ, start_response) returned: a step of
// the timeline, and of the call a lesson writes out.
func (rec *recorder) returned(r *pyrunner.Result) {
	rec.eventAt(exchange.Event{Kind: exchange.EventReturned, Returned: &exchange.Returned{
		Type: r.Type, Repr: r.Repr, Close: r.Close, Len: r.Len, Took: r.Took,
	}}, r.At, nil)
}

// layers records what crossed each boundary between the app's layers; it
// comes with the call's end, none when the app has one layer.
func (rec *recorder) layers(layers []pyrunner.LayerCall) {
	if len(layers) == 0 {
		return
	}
	calls := make([]exchange.LayerCall, len(layers))
	for i, c := range layers {
		calls[i] = exchange.LayerCall{
			Name: c.Layer.Name, Where: c.Layer.Where, Via: c.Layer.Via, Parent: c.Parent,
			Took: c.Took, Returned: c.Returned, Raised: c.Raised, NewBody: c.NewBody,
			Environ: envChanges(c.Environ), Headers: headerChanges(c.Headers),
		}
		if c.Status != [2]string{} {
			calls[i].Status = &exchange.StatusChange{Old: c.Status[0], New: c.Status[1]}
		}
	}
	rec.ex.Layers = calls
}

var opWords = map[byte]string{'+': exchange.OpAdd, '~': exchange.OpChange, '-': exchange.OpDelete}

func envChanges(in []pyrunner.EnvChange) []exchange.EnvChange {
	if len(in) == 0 {
		return nil
	}
	out := make([]exchange.EnvChange, len(in))
	for i, c := range in {
		out[i] = exchange.EnvChange{Op: opWords[c.Op], Key: c.Key, Old: c.Old, OldType: c.OldType, New: c.New, NewType: c.NewType}
	}
	return out
}

func headerChanges(in []pyrunner.HeaderChange) []exchange.HeaderChange {
	if len(in) == 0 {
		return nil
	}
	out := make([]exchange.HeaderChange, len(in))
	for i, h := range in {
		out[i] = exchange.HeaderChange{Op: opWords[h.Op], Name: h.Name, Old: h.Old, New: h.New}
	}
	return out
}

// recordsLayers says whether the request's layers are recorded: always
// while capturing (or with --all-layers), for a request held in the
// debugger and for a replay (someone is looking at it), else within the
// budget.
func (s *Server) recordsLayers(ex *exchange.Exchange, st *stepper) bool {
	return s.cfg.AllLayers || st != nil || ex.ReplayOf != 0 || s.layers.take(time.Now())
}

// layerBudget lets perSecond requests a second through, in bursts of as
// many (at least one): a token bucket.
type layerBudget struct {
	perSecond float64
	mu        sync.Mutex
	tokens    float64
	last      time.Time
}

func (b *layerBudget) take(now time.Time) bool {
	burst := max(b.perSecond, 1)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.last.IsZero() {
		b.tokens = burst
	} else {
		b.tokens = min(burst, b.tokens+now.Sub(b.last).Seconds()*b.perSecond)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
