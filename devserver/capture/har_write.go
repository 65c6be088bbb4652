package capture

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// The HAR 1.2 writer: every field the spec requires, so browser devtools
// and HAR tools open it, plus "_wsgidev" for what only wsgidev knows.

type harFile struct {
	Log harLog `json:"log"`
}

type harLog struct {
	Version string     `json:"version"`
	Creator harCreator `json:"creator"`
	Pages   []struct{} `json:"pages"`
	Entries []harOut   `json:"entries"`
	Comment string     `json:"comment,omitempty"`
	Wsgidev *Header    `json:"_wsgidev,omitempty"`
}

type harCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type harOut struct {
	StartedDateTime string     `json:"startedDateTime"`
	Time            float64    `json:"time"`
	Request         harReqOut  `json:"request"`
	Response        harRespOut `json:"response"`
	Cache           struct{}   `json:"cache"`
	Timings         harTimings `json:"timings"`
	Comment         string     `json:"comment,omitempty"`
	Wsgidev         *harExtra  `json:"_wsgidev,omitempty"`
}

type harReqOut struct {
	Method      string       `json:"method"`
	URL         string       `json:"url"`
	HTTPVersion string       `json:"httpVersion"`
	Cookies     []harCookie  `json:"cookies"`
	Headers     []harNV      `json:"headers"`
	QueryString []harNV      `json:"queryString"`
	PostData    *harPostData `json:"postData,omitempty"`
	HeadersSize int          `json:"headersSize"`
	BodySize    int64        `json:"bodySize"`
}

type harPostData struct {
	MimeType string  `json:"mimeType"`
	Params   []harNV `json:"params"`
	Text     string  `json:"text"`
	Encoding string  `json:"_encoding,omitempty"` // "base64" for a body that is not UTF-8
	Comment  string  `json:"comment,omitempty"`
}

type harRespOut struct {
	Status      int         `json:"status"`
	StatusText  string      `json:"statusText"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []harCookie `json:"cookies"`
	Headers     []harNV     `json:"headers"`
	Content     harContent  `json:"content"`
	RedirectURL string      `json:"redirectURL"`
	HeadersSize int         `json:"headersSize"`
	BodySize    int64       `json:"bodySize"`
}

type harContent struct {
	Size     int64  `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Encoding string `json:"encoding,omitempty"`
	Comment  string `json:"comment,omitempty"`
}

type harCookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path,omitempty"`
	Domain   string `json:"domain,omitempty"`
	Expires  string `json:"expires,omitempty"`
	HTTPOnly bool   `json:"httpOnly,omitempty"`
	Secure   bool   `json:"secure,omitempty"`
}

type harTimings struct {
	Blocked float64 `json:"blocked"`
	DNS     float64 `json:"dns"`
	Connect float64 `json:"connect"`
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
	SSL     float64 `json:"ssl"`
}

// HAROptions says what to put in the HAR's log.
type HAROptions struct {
	Version string  // wsgidev's version, for log.creator
	Header  *Header // the capture's header, kept as log._wsgidev
	BodyMax int     // the cap, said in comments on cut bodies
}

// WriteHAR writes the entries as one HAR 1.2 document.
func WriteHAR(w io.Writer, entries []Entry, opts HAROptions) error {
	f := harFile{Log: harLog{
		Version: "1.2",
		Creator: harCreator{Name: "wsgidev", Version: opts.Version},
		Pages:   []struct{}{},
		Entries: make([]harOut, 0, len(entries)),
		Wsgidev: opts.Header,
	}}
	for _, e := range entries {
		f.Log.Entries = append(f.Log.Entries, harEntryOut(e.Exchange, opts.BodyMax))
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(f)
}

func harEntryOut(ex *exchange.Exchange, bodyMax int) harOut {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	wait := firstResponseOffset(ex)
	out := harOut{
		StartedDateTime: ex.Start.Format("2006-01-02T15:04:05.000Z07:00"),
		Time:            ms(ex.Duration),
		Request:         harRequestOut(ex),
		Response:        harResponseOut(ex),
		Timings:         harTimings{Blocked: -1, DNS: -1, Connect: -1, SSL: -1, Wait: ms(wait), Receive: ms(max(ex.Duration-wait, 0))},
		Wsgidev: &harExtra{
			ID: ex.ID, Remote: ex.Remote, Proto: ex.Proto,
			Environ: mapEnviron(ex.Environ, latin1Text), Events: ex.Events, Failure: ex.Failure, Lint: ex.Lint,
			RequestBody:  sizesOnly(EncodeBody(ex.RequestBody, bodyMax)),
			ResponseBody: sizesOnly(EncodeBody(ex.ResponseBody, bodyMax)),
		},
	}
	if ex.Start.IsZero() {
		out.StartedDateTime = time.Unix(0, 0).UTC().Format("2006-01-02T15:04:05.000Z07:00")
	}
	if ex.ResponseBody.Truncated {
		out.Response.Content.Comment = fmt.Sprintf("wsgidev kept the first %d of %d bytes (the capture cap)", len(ex.ResponseBody.Data), ex.ResponseBody.Size)
	}
	if f := ex.Failure; f != nil {
		out.Comment = "failed: " + f.Message
	}
	return out
}

func sizesOnly(b Body) *Body {
	b.Encoding, b.Data = "", ""
	return &b
}

// firstResponseOffset is when the app first answered: start_response, else
// the whole duration.
func firstResponseOffset(ex *exchange.Exchange) time.Duration {
	for _, e := range ex.Events {
		if e.Kind == exchange.EventStartResponse {
			return min(e.Offset, ex.Duration)
		}
	}
	return ex.Duration
}

func harRequestOut(ex *exchange.Exchange) harReqOut {
	r := harReqOut{
		Method: ex.Method, URL: AbsoluteURL(ex), HTTPVersion: httpVersion(ex.Proto),
		Cookies: []harCookie{}, Headers: harHeaders(ex.RequestHeaders), QueryString: []harNV{},
		HeadersSize: -1, BodySize: ex.RequestBody.Size,
	}
	if _, query, ok := strings.Cut(ex.Target, "?"); ok {
		r.QueryString = queryPairs(query)
	}
	if ex.RawHead.Size > 0 {
		r.HeadersSize = int(ex.RawHead.Size) // the head as it came, blank line included
	}
	for _, h := range ex.RequestHeaders {
		if strings.EqualFold(h.Name, "Cookie") {
			r.Cookies = append(r.Cookies, requestCookies(h.Value)...)
		}
	}
	if ex.RequestBody.Size > 0 || len(ex.RequestBody.Data) > 0 {
		pd := &harPostData{MimeType: headerValue(ex.RequestHeaders, "Content-Type"), Params: []harNV{}}
		if utf8.Valid(ex.RequestBody.Data) {
			pd.Text = string(ex.RequestBody.Data)
		} else {
			pd.Text, pd.Encoding = base64.StdEncoding.EncodeToString(ex.RequestBody.Data), "base64"
		}
		if ex.RequestBody.Truncated {
			pd.Comment = fmt.Sprintf("wsgidev kept the first %d of %d bytes (the capture cap)", len(ex.RequestBody.Data), ex.RequestBody.Size)
		}
		r.PostData = pd
	}
	return r
}

func harResponseOut(ex *exchange.Exchange) harRespOut {
	r := harRespOut{
		Status: ex.Status, StatusText: statusText(ex), HTTPVersion: httpVersion(ex.Proto),
		Cookies: []harCookie{}, Headers: harHeaders(ex.ResponseHeaders),
		RedirectURL: headerValue(ex.ResponseHeaders, "Location"), HeadersSize: -1, BodySize: ex.ResponseBody.Size,
		Content: harContent{Size: ex.ResponseBody.Size, MimeType: headerValue(ex.ResponseHeaders, "Content-Type")},
	}
	if r.Content.MimeType == "" {
		r.Content.MimeType = "x-unknown"
	}
	for _, h := range ex.ResponseHeaders {
		if strings.EqualFold(h.Name, "Set-Cookie") {
			r.Cookies = append(r.Cookies, responseCookie(h.Value))
		}
	}
	if data := ex.ResponseBody.Data; len(data) > 0 {
		if utf8.Valid(data) {
			r.Content.Text = string(data)
		} else {
			r.Content.Text, r.Content.Encoding = base64.StdEncoding.EncodeToString(data), "base64"
		}
	}
	return r
}

// AbsoluteURL is the exchange's URL: http:// plus its Host header (or
// localhost) plus its target.
func AbsoluteURL(ex *exchange.Exchange) string {
	if strings.HasPrefix(ex.Target, "http://") || strings.HasPrefix(ex.Target, "https://") {
		return ex.Target
	}
	host := headerValue(ex.RequestHeaders, "Host")
	if host == "" {
		host = "localhost"
	}
	return "http://" + host + ex.Target
}

func httpVersion(proto string) string {
	if proto == "" {
		return "HTTP/1.1"
	}
	return proto
}

// statusText is the reason phrase the app gave, else the standard one.
func statusText(ex *exchange.Exchange) string {
	for i := len(ex.Events) - 1; i >= 0; i-- {
		if e := ex.Events[i]; e.Kind == exchange.EventStartResponse {
			if _, text, ok := strings.Cut(e.Status, " "); ok && strings.HasPrefix(e.Status, fmt.Sprint(ex.Status)) {
				return text
			}
		}
	}
	return http.StatusText(ex.Status)
}

func harHeaders(hs []exchange.Header) []harNV {
	out := make([]harNV, len(hs))
	for i, h := range hs {
		out[i] = harNV{Name: h.Name, Value: h.Value}
	}
	return out
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

// queryPairs splits a query string in order, decoding each side.
func queryPairs(query string) []harNV {
	out := []harNV{}
	for _, part := range strings.Split(query, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		out = append(out, harNV{Name: unescape(name), Value: unescape(value)})
	}
	return out
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

func requestCookies(header string) []harCookie {
	var out []harCookie
	for _, part := range strings.Split(header, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		if name != "" {
			out = append(out, harCookie{Name: name, Value: value})
		}
	}
	return out
}

func responseCookie(header string) harCookie {
	parts := strings.Split(header, ";")
	name, value, _ := strings.Cut(strings.TrimSpace(parts[0]), "=")
	c := harCookie{Name: name, Value: value}
	for _, attr := range parts[1:] {
		k, v, _ := strings.Cut(strings.TrimSpace(attr), "=")
		switch strings.ToLower(k) {
		case "path":
			c.Path = v
		case "domain":
			c.Domain = v
		case "expires":
			if t, err := http.ParseTime(v); err == nil {
				c.Expires = t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
			}
		case "httponly":
			c.HTTPOnly = true
		case "secure":
			c.Secure = true
		}
	}
	return c
}

// CookieName is the name a Set-Cookie header sets.
func CookieName(setCookie string) string { return responseCookie(setCookie).Name }
