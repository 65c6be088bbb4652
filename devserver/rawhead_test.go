package devserver

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// scanAll feeds stream to a scanner in pieces of n bytes (all at once for
// n <= 0) and returns the heads it queued.
func scanAll(stream []byte, n int) *headScanner {
	var s headScanner
	if n <= 0 {
		n = len(stream)
	}
	for len(stream) > 0 {
		k := min(n, len(stream))
		s.feed(stream[:k])
		stream = stream[k:]
	}
	return &s
}

func TestHeadScanner(t *testing.T) {
	big := strings.Repeat("z", 3*HeadCap)
	for _, c := range []struct {
		name   string
		stream string
		heads  []string // the heads queued, in order
	}{
		{"one", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", []string{"GET / HTTP/1.1\r\nHost: a\r\n\r\n"}},
		{"bare LF", "GET / HTTP/1.1\nHost: a\n\n", []string{"GET / HTTP/1.1\nHost: a\n\n"}},
		{"leading blank lines skipped", "\r\n\r\nGET / HTTP/1.1\r\n\r\n", []string{"GET / HTTP/1.1\r\n\r\n"}},
		{"content-length body skipped",
			"POST /a HTTP/1.1\r\ncOnTeNt-LeNgTh:  6 \r\n\r\nGET /xGET /b HTTP/1.1\r\n\r\n",
			[]string{"POST /a HTTP/1.1\r\ncOnTeNt-LeNgTh:  6 \r\n\r\n", "GET /b HTTP/1.1\r\n\r\n"}},
		{"chunked body skipped, trailers too",
			"POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nGET /\r\nA\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\nGET /d HTTP/1.1\r\n\r\n",
			[]string{"POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", "GET /d HTTP/1.1\r\n\r\n"}},
		{"chunked wins over content-length",
			"POST /c HTTP/1.1\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /e HTTP/1.1\r\n\r\n",
			[]string{"POST /c HTTP/1.1\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n", "GET /e HTTP/1.1\r\n\r\n"}},
		{"HTTP/1.0 ignores transfer-encoding",
			"POST /f HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\nGET /g HTTP/1.0\r\n\r\n",
			[]string{"POST /f HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", "GET /g HTTP/1.0\r\n\r\n"}},
		{"a big body is skipped",
			"PUT /u HTTP/1.1\r\nContent-Length: " + strconv.Itoa(len(big)) + "\r\n\r\n" + big + "GET /h HTTP/1.1\r\n\r\n",
			[]string{"PUT /u HTTP/1.1\r\nContent-Length: " + strconv.Itoa(len(big)) + "\r\n\r\n", "GET /h HTTP/1.1\r\n\r\n"}},
	} {
		for _, n := range []int{0, 1, 2, 7, 4096} {
			s := scanAll([]byte(c.stream), n)
			var got []string
			for _, h := range s.heads {
				got = append(got, string(h.data))
			}
			if strings.Join(got, "|") != strings.Join(c.heads, "|") {
				t.Errorf("%s, in pieces of %d: heads\n%q\nwant\n%q", c.name, n, got, c.heads)
			}
		}
	}
}

// A head longer than the cap keeps the first HeadCap bytes, says its real
// size, and is still found by its request line; the next request's head
// is recorded whole.
func TestHeadScannerCap(t *testing.T) {
	long := "GET /long HTTP/1.1\r\nX-Big: " + strings.Repeat("b", 2*HeadCap) + "\r\n\r\n"
	stream := long + "GET /next HTTP/1.1\r\n\r\n"
	for _, n := range []int{0, 1000, 4096} {
		s := scanAll([]byte(stream), n)
		if held := s.held(); held > connHeadCap+2*lineKeep {
			t.Errorf("pieces of %d: holds %d bytes, over the cap %d", n, held, HeadCap)
		}
		h, ok := s.take("GET /long HTTP/1.1")
		b := h.raw
		if !ok || len(b.Data) != HeadCap || b.Size != int64(len(long)) || !b.Truncated || !bytes.Equal(b.Data, []byte(long[:HeadCap])) {
			t.Fatalf("pieces of %d: long head ok=%v kept %d of %d, truncated %v", n, ok, len(b.Data), b.Size, b.Truncated)
		}
		h, ok = s.take("GET /next HTTP/1.1")
		b = h.raw
		if !ok || string(b.Data) != "GET /next HTTP/1.1\r\n\r\n" || b.Truncated {
			t.Errorf("pieces of %d: next head %q ok=%v", n, b.Data, ok)
		}
		if s.queued != 0 || len(s.heads) != 0 {
			t.Errorf("pieces of %d: %d bytes in %d heads left after both were taken", n, s.queued, len(s.heads))
		}
	}
	// Three long heads read ahead at once: the third finds the connection's
	// cap taken, keeps nothing, and is still handed to its request in turn.
	s := scanAll([]byte(long+long+strings.Replace(long, "/long", "/third", 1)), 0)
	if held := s.held(); held > connHeadCap+2*lineKeep {
		t.Errorf("three long heads: holds %d bytes, over %d", held, connHeadCap)
	}
	for i, line := range []string{"GET /long HTTP/1.1", "GET /long HTTP/1.1", "GET /third HTTP/1.1"} {
		h, ok := s.take(line)
		b := h.raw
		if want := min(HeadCap, connHeadCap-i*HeadCap); !ok || len(b.Data) != want || !b.Truncated || b.Size != int64(len(long))+int64(i/2) {
			t.Errorf("head %d: ok=%v kept %d (want %d) of %d, truncated %v", i, ok, len(b.Data), want, b.Size, b.Truncated)
		}
	}
}

// Heads read ahead share the cap; take drops heads of requests net/http
// never handed over, and a request line cut by the cap still matches.
func TestHeadScannerTake(t *testing.T) {
	s := scanAll([]byte("BAD\r\n\r\nGET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n"), 0)
	if h, ok := s.take("GET /b HTTP/1.1"); !ok || string(h.raw.Data) != "GET /b HTTP/1.1\r\n\r\n" {
		t.Fatalf("take /b: %q %v", h.raw.Data, ok)
	}
	if len(s.heads) != 0 || s.queued != 0 {
		t.Errorf("heads before the one taken were kept: %d, %d bytes", len(s.heads), s.queued)
	}
	if _, ok := s.take("GET /a HTTP/1.1"); ok {
		t.Errorf("a dropped head was taken")
	}
	target := "/" + strings.Repeat("p", HeadCap)
	s = scanAll([]byte("GET "+target+" HTTP/1.1\r\n\r\n"), 512)
	if h, ok := s.take("GET " + target + " HTTP/1.1"); !ok || !h.raw.Truncated || len(h.raw.Data) != HeadCap {
		t.Errorf("a request line longer than the cap: ok=%v truncated=%v kept %d", ok, h.raw.Truncated, len(h.raw.Data))
	}
}

// A head with both Content-Length and Transfer-Encoding is marked, however
// the names are spelled; one with either alone is not.
func TestHeadScannerBothLengths(t *testing.T) {
	s := scanAll([]byte("POST /both HTTP/1.1\r\ncontent-LENGTH: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"+
		"POST /cl HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi"+
		"POST /te HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 0)
	for _, tc := range []struct {
		line string
		both bool
	}{{"POST /both HTTP/1.1", true}, {"POST /cl HTTP/1.1", false}, {"POST /te HTTP/1.1", false}} {
		if h, ok := s.take(tc.line); !ok || h.bothLengths != tc.both {
			t.Errorf("%s: taken %v, both lengths %v; want %v", tc.line, ok, h.bothLengths, tc.both)
		}
	}
}

// FuzzHeadScanner: any stream, read in any pieces, queues the same heads
// and never holds more than the cap.
func FuzzHeadScanner(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\nHost: a\r\n\r\nPOST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /y HTTP/1.1\r\n\r\n"), uint8(3))
	f.Add([]byte("POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"), uint8(1))
	f.Add([]byte("\n\nGET / HTTP/1.0\nTransfer-Encoding: chunked\n\n"), uint8(2))
	f.Fuzz(func(t *testing.T, stream []byte, piece uint8) {
		whole := scanAll(stream, 0)
		parts := scanAll(stream, int(piece)+1)
		if len(whole.heads) != len(parts.heads) {
			t.Fatalf("%d heads whole, %d in pieces of %d", len(whole.heads), len(parts.heads), int(piece)+1)
		}
		for i := range whole.heads {
			if !bytes.Equal(whole.heads[i].data, parts.heads[i].data) || whole.heads[i].size != parts.heads[i].size {
				t.Fatalf("head %d differs: %q / %q", i, whole.heads[i].data, parts.heads[i].data)
			}
		}
		if held := parts.held(); held > connHeadCap+2*lineKeep {
			t.Fatalf("holds %d bytes", held)
		}
	})
}
