package devserver

import (
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
