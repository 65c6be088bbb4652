package devserver

import (
	"bytes"
	"net"
	"testing"
)

// bufConn is a connection that keeps what is written to it.
type bufConn struct {
	net.Conn
	out bytes.Buffer
}

func (c *bufConn) Write(p []byte) (int, error) { return c.out.Write(p) }

// The connection swaps the app's reason phrase into exactly the status
// line it expects, at the start of a write, once; everything else passes
// as it is.
func TestStatusSwap(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status string // "" for none expected
		writes []string
		want   string
	}{
		{"swapped", "299 Custom Reason", []string{"HTTP/1.1 299 status code 299\r\nA: b\r\n\r\nbody"},
			"HTTP/1.1 299 Custom Reason\r\nA: b\r\n\r\nbody"},
		{"HTTP/1.0", "302 FOUND", []string{"HTTP/1.0 302 Found\r\n\r\n"}, "HTTP/1.0 302 FOUND\r\n\r\n"},
		{"after 100 Continue", "404 Gone Fishing", []string{"HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 404 Not Found\r\n\r\n"},
			"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Gone Fishing\r\n\r\n"},
		{"once only", "404 Gone Fishing", []string{"HTTP/1.1 404 Not Found\r\n\r\n", "HTTP/1.1 404 Not Found\r\n\r\n"},
			"HTTP/1.1 404 Gone Fishing\r\n\r\nHTTP/1.1 404 Not Found\r\n\r\n"},
		{"same phrase as Go's", "200 OK", []string{"HTTP/1.1 200 OK\r\n\r\n"}, "HTTP/1.1 200 OK\r\n\r\n"},
		{"not expected", "", []string{"HTTP/1.1 200 OK\r\n\r\n"}, "HTTP/1.1 200 OK\r\n\r\n"},
		{"another code", "299 Custom", []string{"HTTP/1.1 200 OK\r\n\r\n"}, "HTTP/1.1 200 OK\r\n\r\n"},
		{"armed until its line comes", "299 Custom", []string{"x", "HTTP/1.1 299 status code 299\r\n"}, "xHTTP/1.1 299 Custom\r\n"},
		{"control characters", "299 Bad\r\nSet-Cookie: x", []string{"HTTP/1.1 299 status code 299\r\n"}, "HTTP/1.1 299 status code 299\r\n"},
		{"an interim status", "103 Early", []string{"HTTP/1.1 103 Early Hints\r\n"}, "HTTP/1.1 103 Early Hints\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bc := &bufConn{}
			c := &recConn{Conn: bc}
			if tc.status != "" {
				c.expectStatus(tc.status)
			}
			for _, w := range tc.writes {
				if n, err := c.Write([]byte(w)); n != len(w) || err != nil {
					t.Fatalf("Write(%q) = %d, %v", w, n, err)
				}
			}
			if got := bc.out.String(); got != tc.want {
				t.Errorf("wrote %q, want %q", got, tc.want)
			}
		})
	}
}
