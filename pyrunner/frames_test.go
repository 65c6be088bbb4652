package pyrunner

import (
	"strings"
	"testing"
)

// TestFailureFramesOnEveryPython checks the frames of a failure, with
// their locals and source, on each supported CPython.
func TestFailureFramesOnEveryPython(t *testing.T) {
	for _, v := range supportedPythons {
		t.Run(v, func(t *testing.T) {
			r, ctx := runOn(t, pyenvPython(t, v), "raises.py")
			call, err := r.Call(ctx, CallRequest{Environ: []string{"REQUEST_METHOD", "GET", "PATH_INFO", "/"}})
			if err != nil {
				t.Fatal(err)
			}
			var f *Failure
			for _, ev := range collect(t, call) {
				if ev.Kind == EventDone {
					f = ev.Failure
				}
			}
			if f == nil || f.Kind != FailException || len(f.Frames) != 1 {
				t.Fatalf("want an exception with one frame (json's returned), got %+v", f)
			}
			fr := f.Frames[0]
			if fr.Function != "application" || fr.Library || !strings.HasSuffix(fr.File, "raises.py") || fr.Line != 17 {
				t.Errorf("frame %s:%d %s library=%v, want raises.py:17 application, the app's", fr.File, fr.Line, fr.Function, fr.Library)
			}
			if got := fr.Context[fr.Line-fr.ContextStart]; got != "    return [str(count / 0).encode()]" {
				t.Errorf("the frame's own source line is %q", got)
			}
			locals := map[string]string{}
			for _, l := range fr.Locals {
				locals[l.Name] = l.Repr
			}
			if locals["count"] != "41" || locals["odd"] != "<repr() of this Opaque raised RuntimeError: no repr>" ||
				!strings.HasPrefix(locals["big"], "[0, 1, 2,") || len(locals["big"]) > 240 {
				t.Errorf("locals %q", locals)
			}
		})
	}
}
