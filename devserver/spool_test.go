package devserver

import (
	"bytes"
	"io"
	"os"
	"testing"
)

// feed is a body that arrives in pieces the test hands it.
type feed struct{ pieces chan []byte }

func (f *feed) Read(p []byte) (int, error) {
	piece, ok := <-f.pieces
	if !ok {
		return 0, io.EOF
	}
	return copy(p, piece), nil // pieces are never bigger than p here
}

func (f *feed) Close() error { return nil }

// A big body held keeps its first MiB in memory and the rest in a file,
// and reads back whole, in order; discarding removes the file.
func TestSpoolKeepsABigBodyOnDisk(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789abcdef"), 5<<16) // 5 MiB
	f := &feed{pieces: make(chan []byte)}
	s := newSpool(f)
	s.start(func(err error) { t.Errorf("the body ended well, but the spool says it failed: %v", err) })
	for i := 0; i < len(body); i += 32 << 10 {
		f.pieces <- body[i:min(i+32<<10, len(body))]
	}
	close(f.pieces)
	got, err := io.ReadAll(s)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, body) {
		t.Fatalf("read back %d bytes, not the %d spooled", len(got), len(body))
	}
	if len(s.mem) != spoolMemory || s.file == nil || s.fileLen != int64(len(body)-spoolMemory) {
		t.Errorf("%d bytes in memory and %d in a file; want %d and the rest", len(s.mem), s.fileLen, spoolMemory)
	}
	name := s.file.Name()
	s.discard()
	if _, err := os.Stat(name); !os.IsNotExist(err) {
		t.Errorf("the spool file is still there after discard: %v", err)
	}
}

// Released, the spool gives what it read ahead, then the rest of the
// body straight from its source.
func TestSpoolReleasedReadsOn(t *testing.T) {
	f := &feed{pieces: make(chan []byte, 4)}
	s := newSpool(f)
	s.start(func(error) {})
	f.pieces <- []byte("read ahead, ")
	s.release()
	f.pieces <- []byte("in flight, ") // the read-ahead's last read
	f.pieces <- []byte("then direct")
	close(f.pieces)
	got, err := io.ReadAll(s)
	if err != nil || string(got) != "read ahead, in flight, then direct" {
		t.Errorf("read %q (%v)", got, err)
	}
}

// A body that stops before its end is a client gone.
func TestSpoolSourceFailing(t *testing.T) {
	s := newSpool(io.NopCloser(io.MultiReader(bytes.NewReader([]byte("half")), errReader{})))
	gone := make(chan struct{})
	s.start(func(error) { close(gone) })
	<-gone
	got, err := io.ReadAll(s)
	if string(got) != "half" || err != io.ErrUnexpectedEOF {
		t.Errorf("read %q, %v; want what came, then the failure", got, err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }
