package pyrunner

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Layer is one WSGI callable of the served app's stack, as the child found
// it at load (READY; _wsgidev_layers.py): the app itself, the app its
// middleware holds, and so on down to the application.
type Layer struct {
	Name   string `json:"name"`   // "ProxyFix", "Flask 'app'", "timing.<locals>.middleware"
	Where  string `json:"where"`  // where its code is: "app.py:12", "werkzeug/middleware/proxy_fix.py:58"
	Via    string `json:"via"`    // how the layer above holds it: "app", "wsgi_app", "mounts['/api']", "closure app"
	Parent int    `json:"parent"` // the index of the layer above; -1 for the app wsgidev calls
}

// LayerCall is one call of a layer during a request (LAYERS), in the order
// the request entered them. Its changes are what it did against the first
// layer it called: the environ it passed down, the status and headers it
// passed up, the body iterable it returned.
type LayerCall struct {
	Layer    Layer         // the layer called
	Parent   int           // the index of the LayerCall that called it; -1 for the first
	Took     time.Duration // in its call, the layers below included; the body's iteration not
	Returned string        // the type of what it returned; "" when it raised
	Raised   string        // the type of the exception that left it
	Environ  []EnvChange
	Status   [2]string // the status it got and the one it passed on, when it changed it
	Headers  []HeaderChange
	NewBody  bool // it returned another iterable than the layer below gave it
}

// EnvChange is a key a layer added, changed or deleted before it called
// the next layer. Types are "str" for text (latin-1, as every environ
// value); for another object, the type's name, and the value is its repr.
type EnvChange struct {
	Op      byte // '+' added, '~' changed, '-' deleted
	Key     string
	OldType string
	Old     string
	NewType string
	New     string
}

// HeaderChange is a response header a layer added, replaced or dropped on
// its way out.
type HeaderChange struct {
	Op   byte // '+' added, '~' changed, '-' dropped
	Name string
	Old  string
	New  string
}

// decodeResult reads a RESULT payload: flags (1 has close(), 2 has
// len()), len(), µs in the call, then "type\0repr" in UTF-8.
func decodeResult(p []byte) (*Result, error) {
	if len(p) < 9 {
		return nil, fmt.Errorf("short RESULT")
	}
	typ, repr, ok := strings.Cut(string(p[9:]), "\x00")
	if !ok {
		return nil, fmt.Errorf("RESULT without its repr")
	}
	r := &Result{Type: typ, Repr: repr, Close: p[0]&1 != 0, Len: -1,
		Took: time.Duration(binary.BigEndian.Uint32(p[5:9])) * time.Microsecond}
	if p[0]&2 != 0 {
		r.Len = int(binary.BigEndian.Uint32(p[1:5]))
	}
	return r, nil
}

// decodeLayers reads a LAYERS payload (PROTOCOL.md, "Layers"): NUL-separated
// records, each a tag and a fixed number of fields. layers are the
// child's, from READY. It comes with every request through a stack, so it
// slices one string rather than splitting it.
func decodeLayers(p []byte, layers []Layer) ([]LayerCall, error) {
	f := fieldReader{rest: string(p), more: len(p) > 0}
	calls := make([]LayerCall, 0, strings.Count(f.rest, "\x00E\x00")+1)
	for f.more {
		tag := f.next()
		if tag != "E" && len(calls) == 0 {
			return nil, fmt.Errorf("LAYERS starts with %q, not E", tag)
		}
		var c *LayerCall
		if len(calls) > 0 {
			c = &calls[len(calls)-1]
		}
		switch tag {
		case "E":
			call, err := f.layerCall(layers, len(calls))
			if err != nil {
				return nil, err
			}
			calls = append(calls, call)
		case "+":
			c.Environ = append(c.Environ, EnvChange{Op: '+', Key: f.next(), NewType: f.next(), New: f.next()})
		case "~":
			c.Environ = append(c.Environ, EnvChange{Op: '~', Key: f.next(), OldType: f.next(), Old: f.next(), NewType: f.next(), New: f.next()})
		case "-":
			c.Environ = append(c.Environ, EnvChange{Op: '-', Key: f.next(), OldType: f.next(), Old: f.next()})
		case "S":
			c.Status = [2]string{f.next(), f.next()}
		case "h+":
			c.Headers = append(c.Headers, HeaderChange{Op: '+', Name: f.next(), New: f.next()})
		case "h-":
			c.Headers = append(c.Headers, HeaderChange{Op: '-', Name: f.next(), Old: f.next()})
		case "h~":
			c.Headers = append(c.Headers, HeaderChange{Op: '~', Name: f.next(), Old: f.next(), New: f.next()})
		case "B":
			c.NewBody = true
		default:
			return nil, fmt.Errorf("unknown LAYERS record %q", tag)
		}
		if f.short {
			return nil, fmt.Errorf("LAYERS record %q cut short", tag)
		}
	}
	return calls, nil
}

// fieldReader hands out the NUL-separated fields of rest in order (Go
// evaluates a composite literal's fields in order); reading past the end
// sets short.
type fieldReader struct {
	rest  string
	more  bool // a field is left, if an empty one
	short bool
}

func (f *fieldReader) next() string {
	if !f.more {
		f.short = true
		return ""
	}
	field, rest, found := strings.Cut(f.rest, "\x00")
	f.rest, f.more = rest, found
	return field
}

// layerCall reads an E record: layer, caller, µs, returned type, raised.
func (f *fieldReader) layerCall(layers []Layer, n int) (LayerCall, error) {
	layer, err1 := strconv.Atoi(f.next())
	parent, err2 := strconv.Atoi(f.next())
	us, err3 := strconv.ParseInt(f.next(), 10, 64)
	c := LayerCall{Parent: parent, Took: time.Duration(us) * time.Microsecond, Returned: f.next(), Raised: f.next()}
	switch {
	case err1 != nil || err2 != nil || err3 != nil || f.short:
		return c, fmt.Errorf("bad E record in LAYERS")
	case layer < 0 || layer >= len(layers):
		return c, fmt.Errorf("LAYERS names layer %d of %d", layer, len(layers))
	case parent < -1 || parent >= n:
		return c, fmt.Errorf("LAYERS names call %d as a parent before it was made", parent)
	}
	c.Layer = layers[layer]
	return c, nil
}

// Layered says whether the call's app has layers to record: two or more.
func (c *Call) Layered() bool { return len(c.child.info.Layers) > 1 }
