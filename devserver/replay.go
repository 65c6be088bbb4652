package devserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/wsgidev/wsgidev/devserver/capture"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// ReplayTarget is where replayed requests go.
type ReplayTarget struct {
	URL     string       // http://host:port; a path in it goes before every target
	Client  *http.Client // nil: NewReplayClient(30s)
	BodyCap int          // bytes of each new response body kept; 0: 256 KiB
	// KeepHost sends the captured Host header instead of the target's
	// address, for apps that build absolute URLs from it.
	KeepHost bool
	// Recorded, when set, subscribes to the hub of the server at URL (an
	// in-process one): the exchange that server records for the replayed
	// request becomes the result, with its environ and events and the
	// headers exactly as the app gave them. Without it the result is what
	// came over HTTP. Replay drains the subscription and drops what is not
	// its request, so it must be one of its own (one a caller, such as the
	// inspector replaying from a live server, keeps for replays).
	Recorded   *exchange.Subscription
	RecordWait time.Duration // how long to wait for the recorded exchange; 0: 5s
}

// Replayed is one captured request sent again and its answer compared.
type Replayed struct {
	Original *exchange.Exchange
	New      *exchange.Exchange // nil when no answer came
	Err      error              // the request could not be sent, or no answer came
	Down     bool               // Err says the server could not be reached at all
	Diff     capture.Diff
	Skipped  string   // why the answer was not compared, when it was not
	Notes    []string // about what was sent: a body cut at the capture cap, …
}

// Match reports whether the answer was compared and matched.
func (r Replayed) Match() bool { return r.Err == nil && r.Skipped == "" && r.Diff.Match() }

// NewReplayClient is an HTTP client that shows answers as they are: it
// follows no redirects, never asks for compression or decompresses, and
// gives up after timeout.
func NewReplayClient(timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout:       timeout,
		Transport:     &http.Transport{DisableCompression: true, Proxy: nil, MaxIdleConnsPerHost: 4},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Replay sends the request of ex to t and compares the answer with the
// captured one. It never fails: errors are in the result. Calls that
// share a Recorded subscription must be made one at a time.
func Replay(ctx context.Context, t ReplayTarget, ex *exchange.Exchange, opts capture.CompareOptions) Replayed {
	res := Replayed{Original: ex}
	req, notes, err := replayRequest(ctx, t, ex, opts.Foreign)
	res.Notes = notes
	if err != nil {
		res.Err = err
		return res
	}
	var local string
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) { local = info.Conn.LocalAddr().String() },
	}))
	client := t.Client
	if client == nil {
		client = NewReplayClient(30 * time.Second)
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		res.Err, res.Down = explainSendError(t.URL, err)
		return res
	}
	res.New, err = readAnswer(resp, ex, req, start, t.BodyCap)
	if err != nil {
		res.Err = err
		return res
	}
	fromHub := false
	if t.Recorded != nil {
		if rec := waitRecorded(ctx, t, local, req); rec != nil {
			res.New, fromHub = rec, true
		} else {
			res.Notes = append(res.Notes, "the server's own record of this request did not arrive; compared what came over HTTP")
		}
	}
	res.Skipped, opts.NoResponseBody = skipReason(ex, res.New, fromHub, opts.NoResponseBody)
	if res.Skipped == "" {
		res.Diff = capture.Compare(ex, res.New, opts)
	}
	return res
}

// replayRequest builds the request as captured: the exact target, the
// headers but Host, Content-Length and hop-by-hop ones, the body.
func replayRequest(ctx context.Context, t ReplayTarget, ex *exchange.Exchange, foreign bool) (*http.Request, []string, error) {
	base, err := url.Parse(strings.TrimRight(t.URL, "/"))
	if err != nil || base.Host == "" || (base.Scheme != "http" && base.Scheme != "https") {
		return nil, nil, fmt.Errorf("%q is not an http:// URL to replay to", t.URL)
	}
	var notes []string
	body := ex.RequestBody
	if body.Truncated {
		notes = append(notes, fmt.Sprintf("the captured request body was cut at the capture cap: sent its first %d of %d bytes", len(body.Data), body.Size))
	} else if cl := headerValue(ex.RequestHeaders, "Content-Length"); cl != "" && cl != fmt.Sprint(body.Size) {
		notes = append(notes, fmt.Sprintf("the client sent %s bytes but the app read %d, and only what it read was captured and is sent", cl, body.Size))
	}
	req, err := http.NewRequestWithContext(ctx, ex.Method, base.Scheme+"://"+base.Host+"/", bytes.NewReader(body.Data))
	if err != nil {
		return nil, nil, fmt.Errorf("cannot build the request: %w", err)
	}
	target := ex.Target
	if u, err := url.Parse(target); err == nil && u.IsAbs() {
		target = u.RequestURI() // an absolute-form target, as proxies get
	}
	path, query, hasQuery := strings.Cut(target, "?")
	req.URL.Opaque, req.URL.RawQuery, req.URL.ForceQuery = base.EscapedPath()+path, query, hasQuery && query == ""
	if strings.HasPrefix(req.URL.Opaque, "//") || !strings.HasPrefix(req.URL.Opaque, "/") {
		req.URL.Opaque = "" // an odd target; let net/http write it
		req.URL.Path = path
	}
	req.ContentLength = int64(len(body.Data))
	if len(body.Data) == 0 {
		req.Body, req.GetBody = http.NoBody, nil
	}
	req.Header["User-Agent"] = []string{""} // none unless captured: net/http would add its own
	for _, h := range capture.ReplayHeaders(ex.RequestHeaders) {
		if foreign && strings.EqualFold(h.Name, "Accept-Encoding") {
			continue // the HAR holds the decoded body; ask for it plain
		}
		if strings.EqualFold(h.Name, "User-Agent") {
			req.Header.Del("User-Agent")
		}
		req.Header.Add(h.Name, h.Value)
	}
	if strings.EqualFold(headerValue(ex.RequestHeaders, "Transfer-Encoding"), "chunked") {
		req.ContentLength, req.TransferEncoding = -1, []string{"chunked"}
	}
	if host := headerValue(ex.RequestHeaders, "Host"); t.KeepHost && host != "" {
		req.Host = host
	}
	return req, notes, nil
}

// readAnswer reads the response into an exchange-like record: status,
// headers (sorted by name, values in order), body up to the cap.
func readAnswer(resp *http.Response, ex *exchange.Exchange, req *http.Request, start time.Time, bodyCap int) (*exchange.Exchange, error) {
	defer resp.Body.Close()
	if bodyCap <= 0 {
		bodyCap = 256 << 10
	}
	n := &exchange.Exchange{
		Start: start, Method: ex.Method, Target: req.URL.RequestURI(), Proto: resp.Proto,
		Status: resp.StatusCode, RequestBody: ex.RequestBody, Done: true,
	}
	n.RequestHeaders = append(n.RequestHeaders, exchange.Header{Name: "Host", Value: req.Host})
	n.RequestHeaders = append(n.RequestHeaders, sortedHeaders(req.Header)...)
	n.ResponseHeaders = sortedHeaders(resp.Header)
	buf := make([]byte, 32<<10)
	for {
		k, err := resp.Body.Read(buf)
		n.ResponseBody.Append(buf[:k], bodyCap)
		if err == io.EOF {
			break
		}
		if err != nil {
			return n, fmt.Errorf("the answer broke off after %d bytes: %v", n.ResponseBody.Size, err)
		}
	}
	n.Duration = time.Since(start)
	return n, nil
}

func sortedHeaders(h http.Header) []exchange.Header {
	var out []exchange.Header
	for _, name := range headerNames(h) {
		for _, v := range h[name] {
			if name == "User-Agent" && v == "" {
				continue
			}
			out = append(out, exchange.Header{Name: name, Value: v})
		}
	}
	return out
}

// waitRecorded waits for the in-process server's record of the request
// sent from local: the newest Done exchange from that address with the
// same method and target.
func waitRecorded(ctx context.Context, t ReplayTarget, local string, req *http.Request) *exchange.Exchange {
	wait := t.RecordWait
	if wait <= 0 {
		wait = 5 * time.Second
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	target := req.URL.RequestURI()
	for {
		updates, _ := t.Recorded.Drain()
		for _, u := range updates {
			if d := u.Done; d != nil && d.Remote == local && d.Method == req.Method && d.Target == target {
				return d
			}
		}
		select {
		case <-t.Recorded.Wake():
		case <-timer.C:
			return nil
		case <-ctx.Done():
			return nil
		}
	}
}

// skipReason says why an answer cannot be compared with the capture, and
// whether bodies can be.
func skipReason(was, now *exchange.Exchange, fromHub, noBody bool) (string, bool) {
	if was.Status == 0 {
		return "no answer was captured for this request", noBody
	}
	if f := was.Failure; f != nil && f.Kind == exchange.FailCancelled {
		return "at capture the client went away before the answer was complete", noBody
	}
	if !fromHub && (was.Method == http.MethodHead || now.Status == http.StatusNoContent || now.Status == http.StatusNotModified) {
		return "", true // no body goes over HTTP; the capture holds what the app produced
	}
	return "", noBody
}

// explainSendError words a failed request; down is true when the server
// is not there at all.
func explainSendError(base string, err error) (error, bool) {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Timeout() {
		return fmt.Errorf("no answer from %s in time: %v", base, ue.Err), false
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("the server at %s is down (connection refused)", base), true
	}
	var dns *net.DNSError
	var op *net.OpError
	if errors.As(err, &dns) || (errors.As(err, &op) && op.Op == "dial") {
		return fmt.Errorf("the server at %s cannot be reached: %v", base, err), true
	}
	if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
		return fmt.Errorf("the server at %s closed the connection without an answer", base), false
	}
	return fmt.Errorf("sending to %s failed: %v", base, err), false
}

// headerValue is the first value of the named header, or "".
func headerValue(hs []exchange.Header, name string) string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// ReplayClient is a client for replaying the exchange with ID of on this
// server: the server records what it sends as a replay of that exchange
// (Exchange.ReplayOf). It knows its own connections by their client
// address, registered when dialled, so the app sees no header or other
// mark (not even Connection: close: the client keeps its connection, and
// the caller closes it with CloseIdleConnections when done). A client
// serves one replay, or several in turn, never other traffic. It reaches
// the server where it serves (its unix socket, whatever the URL says) and
// over HTTPS trusts exactly the certificate the server presents.
func (s *Server) ReplayClient(of uint64, timeout time.Duration) *http.Client {
	tr := &http.Transport{
		DisableCompression: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := s.dialOwn(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			local := c.LocalAddr().String()
			s.replays.Store(local, of)
			return &replayConn{Conn: c, forget: func() { s.replays.Delete(local) }}, nil
		},
	}
	if s.cfg.TLS != nil {
		tr.TLSClientConfig = ownClientTLS(s.cfg.TLS.Pair.Leaf.Raw)
	}
	client := NewReplayClient(timeout)
	client.Transport = tr
	return client
}

// dialOwn connects to this server. Over a unix socket the client takes a
// name of its own, as the server tells replays apart by the client's
// address and clients without a name all look alike. The name is a file
// in a folder of its own, removed once connected: the socket keeps it.
func (s *Server) dialOwn(ctx context.Context, network, addr string) (net.Conn, error) {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	if s.cfg.Socket == "" {
		return dialer.DialContext(ctx, network, addr)
	}
	dir, err := os.MkdirTemp("", "wsgidev-replay-")
	if err != nil {
		return nil, fmt.Errorf("devserver: naming a replay's socket: %w", err)
	}
	defer os.RemoveAll(dir)
	dialer.LocalAddr = &net.UnixAddr{Name: filepath.Join(dir, "client"), Net: "unix"}
	return dialer.DialContext(ctx, "unix", s.cfg.Socket)
}

// replayConn forgets its mark when closed.
type replayConn struct {
	net.Conn
	once   sync.Once
	forget func()
}

func (c *replayConn) Close() error {
	c.once.Do(c.forget)
	return c.Conn.Close()
}
