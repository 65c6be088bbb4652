package pyrunner

import (
	"encoding/binary"
	"reflect"
	"strings"
	"testing"
	"time"
)

var testLayers = []Layer{
	{Name: "ProxyFix", Where: "werkzeug/middleware/proxy_fix.py:58", Via: "wsgi_app", Parent: -1},
	{Name: "Flask 'app'", Where: "flask/app.py:2495", Via: "app", Parent: 0},
}

func layersPayload(fields ...string) []byte { return []byte(strings.Join(fields, "\x00")) }

func TestDecodeLayers(t *testing.T) {
	p := layersPayload("E", "0", "-1", "120", "list", "",
		"~", "wsgi.url_scheme", "str", "http", "str", "https",
		"+", "werkzeug.proxy_fix.orig", "dict", "{'REMOTE_ADDR': '127.0.0.1'}",
		"-", "HTTP_X_FORWARDED_PROTO", "str", "https",
		"S", "200 OK", "201 Created",
		"h+", "X-Id", "7", "h-", "Server", "x", "h~", "Content-Type", "text/plain", "text/html",
		"B",
		"E", "1", "0", "80", "", "ZeroDivisionError")
	got, err := decodeLayers(p, testLayers)
	if err != nil {
		t.Fatal(err)
	}
	want := []LayerCall{{
		Layer: testLayers[0], Parent: -1, Took: 120 * time.Microsecond, Returned: "list",
		Environ: []EnvChange{
			{Op: '~', Key: "wsgi.url_scheme", OldType: "str", Old: "http", NewType: "str", New: "https"},
			{Op: '+', Key: "werkzeug.proxy_fix.orig", NewType: "dict", New: "{'REMOTE_ADDR': '127.0.0.1'}"},
			{Op: '-', Key: "HTTP_X_FORWARDED_PROTO", OldType: "str", Old: "https"},
		},
		Status:  [2]string{"200 OK", "201 Created"},
		Headers: []HeaderChange{{Op: '+', Name: "X-Id", New: "7"}, {Op: '-', Name: "Server", Old: "x"}, {Op: '~', Name: "Content-Type", Old: "text/plain", New: "text/html"}},
		NewBody: true,
	}, {Layer: testLayers[1], Parent: 0, Took: 80 * time.Microsecond, Raised: "ZeroDivisionError"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded\n%+v\nwant\n%+v", got, want)
	}
}

func TestDecodeLayersRefuses(t *testing.T) {
	for _, tt := range []struct {
		name    string
		payload []byte
		want    string
	}{
		{"a change before any layer", layersPayload("+", "k", "str", "v"), "starts with"},
		{"an unknown record", layersPayload("E", "0", "-1", "1", "", "", "Q"), "unknown LAYERS record"},
		{"a record cut short", layersPayload("E", "0", "-1", "1", "", "", "~", "k", "str"), "cut short"},
		{"a layer READY never named", layersPayload("E", "2", "-1", "1", "", ""), "names layer 2 of 2"},
		{"a caller not yet called", layersPayload("E", "0", "0", "1", "", ""), "as a parent before"},
		{"a number that is none", layersPayload("E", "0", "-1", "x", "", ""), "bad E record"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := decodeLayers(tt.payload, testLayers); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one that says %q", err, tt.want)
			}
		})
	}
}

func TestDecodeResult(t *testing.T) {
	p := []byte{3}
	p = binary.BigEndian.AppendUint32(p, 2)
	p = binary.BigEndian.AppendUint32(p, 35)
	p = append(p, "ClosingIterator\x00<ClosingIterator object at 0x7f>"...)
	r, err := decodeResult(p)
	if err != nil {
		t.Fatal(err)
	}
	want := Result{Type: "ClosingIterator", Repr: "<ClosingIterator object at 0x7f>", Close: true, Len: 2, Took: 35 * time.Microsecond}
	if *r != want {
		t.Errorf("decoded %+v, want %+v", *r, want)
	}
	if _, err := decodeResult(p[:8]); err == nil {
		t.Error("a RESULT shorter than its head decoded")
	}
	if r, _ := decodeResult(append([]byte{1, 0, 0, 0, 9, 0, 0, 0, 0}, "generator\x00<generator>"...)); r == nil || r.Len != -1 {
		t.Errorf("a result without len(): %+v, want Len -1", r)
	}
}

func FuzzDecodeLayers(f *testing.F) {
	f.Add(layersPayload("E", "0", "-1", "120", "list", "", "+", "k", "str", "v", "E", "1", "0", "1", "", ""))
	f.Add([]byte("E\x00"))
	f.Fuzz(func(t *testing.T, p []byte) {
		calls, err := decodeLayers(p, testLayers)
		for _, c := range calls {
			if err == nil && (c.Parent < -1 || c.Parent >= len(calls)) {
				t.Fatalf("a call's caller %d is out of range", c.Parent)
			}
		}
	})
}

func FuzzDecodeResult(f *testing.F) {
	f.Add(append([]byte{3, 0, 0, 0, 1, 0, 0, 0, 9}, "list\x00[b'x']"...))
	f.Fuzz(func(t *testing.T, p []byte) {
		if r, err := decodeResult(p); err == nil && r.Len < -1 {
			t.Fatalf("len %d", r.Len)
		}
	})
}

// BenchmarkDecodeLayers is the parent's share of recording three layers:
// one LAYERS payload per request, as bench/apps/layers_hello.py sends it.
func BenchmarkDecodeLayers(b *testing.B) {
	p := layersPayload("E", "0", "-1", "58", "list", "",
		"+", "requestid.id", "str", "req-300001", "h+", "X-Request-Id", "req-300001",
		"E", "1", "0", "21", "list", "",
		"~", "wsgi.url_scheme", "str", "http", "str", "https",
		"E", "2", "1", "12", "list", "")
	layers := []Layer{{Name: "RequestID"}, {Name: "scheme.<locals>.middleware"}, {Name: "hello"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeLayers(p, layers); err != nil {
			b.Fatal(err)
		}
	}
}
