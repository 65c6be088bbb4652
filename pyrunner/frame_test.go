package pyrunner

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"
)

func TestFrameRoundTrip(t *testing.T) {
	tests := []struct {
		name    string
		typ     byte
		id      uint32
		payload []byte
	}{
		{"empty payload", frameDone, 7, nil},
		{"body bytes stay raw", frameChunk, 1, []byte{0, 1, 2, 0xff, '\n'}},
		{"large id", frameCredit, 1<<32 - 1, []byte{0, 0, 1, 0}},
		{"big payload", frameBody, 3, bytes.Repeat([]byte("x"), 1<<20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wire := appendFrame(nil, tt.typ, tt.id, tt.payload)
			f, err := readFrame(bufio.NewReader(bytes.NewReader(wire)))
			if err != nil {
				t.Fatal(err)
			}
			if f.typ != tt.typ || f.id != tt.id || !bytes.Equal(f.payload, tt.payload) {
				t.Fatalf("got type %d id %d payload %d bytes", f.typ, f.id, len(f.payload))
			}
		})
	}
}

func TestFrameDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		wire []byte
		want error
	}{
		{"clean end", nil, io.EOF},
		{"short header", []byte{0, 0, 0}, io.ErrUnexpectedEOF},
		{"short payload", appendFrame(nil, frameChunk, 1, []byte("abcdef"))[:12], io.ErrUnexpectedEOF},
		{"length beyond limit", []byte{0x7f, 0xff, 0xff, 0xff, 5, 0, 0, 0, 1}, errFrameTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readFrame(bufio.NewReader(bytes.NewReader(tt.wire)))
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestFields(t *testing.T) {
	tests := [][]string{
		nil,
		{"PATH_INFO", "/caf\xc3\xa9"},
		{"200 OK", "Content-Type", "text/plain", "X-Empty", ""},
	}
	for _, kv := range tests {
		got := splitFields(appendFields(nil, kv))
		if !reflect.DeepEqual(got, kv) {
			t.Errorf("round trip of %q gave %q", kv, got)
		}
	}
}

// FuzzReadFrame: whatever arrives on the pipe, the decoder returns a frame or
// an error, never panics, and never accepts a payload beyond the limit.
func FuzzReadFrame(f *testing.F) {
	f.Add(appendFrame(nil, frameHello, 0, []byte(`{"protocol":1}`)))
	f.Add(appendFrame(appendFrame(nil, frameStart, 1, []byte("200 OK\x00A\x00b")), frameDone, 1, nil))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bufio.NewReader(bytes.NewReader(data))
		for i := 0; i < 1000; i++ {
			fr, err := readFrame(r)
			if err != nil {
				return
			}
			if len(fr.payload) > maxFramePayload {
				t.Fatalf("accepted %d-byte payload", len(fr.payload))
			}
			again, err := readFrame(bufio.NewReader(bytes.NewReader(appendFrame(nil, fr.typ, fr.id, fr.payload))))
			if err != nil || again.typ != fr.typ || again.id != fr.id || !bytes.Equal(again.payload, fr.payload) {
				t.Fatalf("re-encoding changed the frame: %v", err)
			}
		}
	})
}
