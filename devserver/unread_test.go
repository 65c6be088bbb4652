package devserver_test

// A request body the app never read (or read in part) is still what the
// client sent: the exchange keeps it, up to the cap, and says how much the
// app itself read (issue 14, item 6).

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

func TestUnreadBodyIsKept(t *testing.T) {
	ts := startValidated(t, "rules")
	c := ts.dial(t) // one connection: it stays usable after each
	big := strings.Repeat("0123456789", 30<<10)
	for _, tc := range []struct {
		name, target, body string
		chunked            bool
		want               exchange.Body // Data as a prefix of body
	}{
		{"ignored", "/reason?ignored", strings.Repeat("a", 300), false, exchange.Body{Size: 300, Unread: 300}},
		{"read in part", "/reason?read=100", strings.Repeat("b", 300), false, exchange.Body{Size: 300, Unread: 200}},
		{"read whole", "/reason?read=300", strings.Repeat("c", 300), false, exchange.Body{Size: 300}},
		{"chunked, ignored", "/reason?chunked", strings.Repeat("d", 300), true, exchange.Body{Size: 300, Unread: 300}},
		{"longer than the cap", "/reason?big", big, false, exchange.Body{Size: int64(len(big)), Unread: int64(len(big)), Truncated: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader = strings.NewReader(tc.body)
			if tc.chunked {
				body = chunked(body)
			}
			resp, got := c.roundTrip(t, newRequest(t, "POST", ts.URL+tc.target, body))
			if resp.StatusCode != 299 || resp.Close {
				t.Fatalf("status %d, close %v: %s", resp.StatusCode, resp.Close, got)
			}
			rb := ts.waitExchange(t, byPath(tc.target)).RequestBody
			kept := min(len(tc.body), 256<<10)
			if rb.Size != tc.want.Size || rb.Unread != tc.want.Unread || rb.Truncated != tc.want.Truncated || string(rb.Data) != tc.body[:kept] {
				t.Errorf("request body kept as size %d, unread %d, truncated %v, %d bytes; want %+v and the first %d bytes sent",
					rb.Size, rb.Unread, rb.Truncated, len(rb.Data), tc.want, kept)
			}
		})
	}
}

// A client that waits for 100 Continue sends nothing unless the app reads:
// nothing is read for it, and the connection closes after the answer.
func TestUnreadBodyAfterExpectContinue(t *testing.T) {
	ts := startValidated(t, "rules")
	c := ts.dial(t)
	fmt.Fprintf(c, "POST /reason?expect HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 299 || !resp.Close {
		t.Errorf("status %d, close %v; want the app's answer and a close", resp.StatusCode, resp.Close)
	}
	rb := ts.waitExchange(t, byPath("/reason?expect")).RequestBody
	if rb.Size != 5 || rb.Unread != 5 || len(rb.Data) != 0 || !rb.Truncated {
		t.Errorf("request body %+v; want the declared 5 bytes, none of them sent", rb)
	}
}
