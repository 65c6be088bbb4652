package capture

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// The HAR 1.2 reader. HAR is one JSON document; the decoder walks it token
// by token so that every entry is decoded on its own (a bad one costs only
// itself) and every message has the line the entry starts on.
// http://www.softwareishard.com/blog/har-12-spec/ is the reference.

// harExtra is what wsgidev adds to a HAR entry as "_wsgidev" (custom
// fields start with an underscore), so that a HAR it wrote reads back with
// the whole story. Bodies here hold only size, truncated and cap; their
// bytes are in postData and content.
type harExtra struct {
	ID           uint64             `json:"id,omitempty"`
	Remote       string             `json:"remote,omitempty"`
	Proto        string             `json:"proto,omitempty"`
	Environ      []exchange.EnvVar  `json:"environ,omitempty"` // str values as the app saw them (latin-1)
	Events       []exchange.Event   `json:"events,omitempty"`
	Failure      *exchange.Failure  `json:"failure,omitempty"`
	Lint         []exchange.Warning `json:"lint,omitempty"`
	RequestBody  *Body              `json:"request_body,omitempty"`
	ResponseBody *Body              `json:"response_body,omitempty"`
}

// harNV is a HAR name/value pair (headers, query strings, params).
type harNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// The reading side: pointers tell a missing field from a zero one.
type harInEntry struct {
	StartedDateTime *string    `json:"startedDateTime"`
	Time            *float64   `json:"time"`
	Request         *harInReq  `json:"request"`
	Response        *harInResp `json:"response"`
	Wsgidev         *harExtra  `json:"_wsgidev"`
}

type harInReq struct {
	Method      *string  `json:"method"`
	URL         *string  `json:"url"`
	HTTPVersion *string  `json:"httpVersion"`
	Headers     *[]harNV `json:"headers"`
	PostData    *struct {
		MimeType string  `json:"mimeType"`
		Text     *string `json:"text"`
		Params   []harNV `json:"params"`
		Encoding string  `json:"_encoding"`
	} `json:"postData"`
}

type harInResp struct {
	Status      *int     `json:"status"`
	StatusText  string   `json:"statusText"`
	HTTPVersion *string  `json:"httpVersion"`
	Headers     *[]harNV `json:"headers"`
	Content     *struct {
		Size     int64   `json:"size"`
		MimeType string  `json:"mimeType"`
		Text     *string `json:"text"`
		Encoding string  `json:"encoding"`
	} `json:"content"`
}

// looksLikeHAR is a cheap test: a JSON object that names "log" early.
func looksLikeHAR(data []byte) bool {
	t := bytes.TrimSpace(data)
	return len(t) > 0 && t[0] == '{' && bytes.Contains(t[:min(len(t), 4096)], []byte(`"log"`))
}

type harReader struct {
	data []byte
	dec  *json.Decoder
	src  *Source
	last int64 // where the current token or value began: a SyntaxError's offset counts from there
}

func (h *harReader) token() (json.Token, error) {
	h.last = h.dec.InputOffset()
	return h.dec.Token()
}

func (h *harReader) decode(v any) error {
	h.last = h.dec.InputOffset()
	return h.dec.Decode(v)
}

func readHAR(data []byte) (*Source, error) {
	h := &harReader{data: data, dec: json.NewDecoder(bytes.NewReader(data)), src: &Source{Format: FormatHAR}}
	if err := h.expect('{', "the file"); err != nil {
		return nil, err
	}
	sawLog := false
	for h.dec.More() {
		key, err := h.key()
		if err != nil {
			h.broken(err)
			return h.src, nil
		}
		if key != "log" {
			if h.skip() != nil {
				return h.src, nil
			}
			continue
		}
		sawLog = true
		if !h.readLog() {
			return h.src, nil
		}
	}
	if !sawLog {
		return nil, errors.New(`not a HAR file: no "log" object`)
	}
	return h.src, nil
}

// readLog reads the log object; false when the file broke off inside it.
func (h *harReader) readLog() bool {
	if err := h.expect('{', "log"); err != nil {
		h.broken(err)
		return false
	}
	sawEntries, sawVersion := false, false
	for h.dec.More() {
		key, err := h.key()
		if err != nil {
			h.broken(err)
			return false
		}
		switch key {
		case "entries":
			sawEntries = true
			if !h.readEntries() {
				return false
			}
		case "version":
			sawVersion = true
			var v string
			if err := h.decode(&v); err != nil {
				h.broken(err)
				return false
			}
		case "_wsgidev":
			var hd Header
			if err := h.decode(&hd); err != nil {
				h.broken(err)
				return false
			}
			h.src.Headers = append(h.src.Headers, hd)
		default:
			if h.skip() != nil {
				return false
			}
		}
	}
	if _, err := h.token(); err != nil { // the closing brace
		h.broken(err)
		return false
	}
	if !sawVersion {
		h.src.Problems = append(h.src.Problems, Problem{Line: 1, Where: "log", Message: "has no version (HAR 1.2 requires \"version\": \"1.2\"); read as 1.2", Warning: true})
	}
	if !sawEntries {
		h.src.Problems = append(h.src.Problems, Problem{Line: 1, Where: "log", Message: "has no entries (HAR 1.2 requires \"entries\")"})
	}
	return true
}

func (h *harReader) readEntries() bool {
	if err := h.expect('[', "log.entries"); err != nil {
		h.broken(err)
		return false
	}
	for i := 0; h.dec.More(); i++ {
		line := h.lineAt(h.dec.InputOffset())
		var raw json.RawMessage
		if err := h.decode(&raw); err != nil {
			h.broken(err)
			return false
		}
		where := fmt.Sprintf("log.entries[%d]", i)
		var in harInEntry
		if err := json.Unmarshal(raw, &in); err != nil {
			h.src.Problems = append(h.src.Problems, Problem{Line: line, Where: where, Message: jsonError(err).Error() + "; skipped"})
			continue
		}
		e, problems := harEntry(in)
		for _, p := range problems {
			p.Line, p.Where = line, where+p.Where
			h.src.Problems = append(h.src.Problems, p)
		}
		if e != nil {
			e.Line, e.Where, e.Session = line, where, len(h.src.Headers)-1
			h.src.Entries = append(h.src.Entries, *e)
		}
	}
	_, err := h.token() // the closing bracket
	if err != nil {
		h.broken(err)
		return false
	}
	return true
}

func (h *harReader) expect(d json.Delim, what string) error {
	tok, err := h.token()
	if err != nil {
		return err
	}
	if tok != d {
		return fmt.Errorf("%s should be a JSON %s", what, map[json.Delim]string{'{': "object", '[': "array"}[d])
	}
	return nil
}

func (h *harReader) key() (string, error) {
	tok, err := h.token()
	if err != nil {
		return "", err
	}
	s, _ := tok.(string)
	return s, nil
}

func (h *harReader) skip() error {
	var v json.RawMessage
	err := h.decode(&v)
	if err != nil {
		h.broken(err)
	}
	return err
}

// broken records that the document cannot be read past this point.
func (h *harReader) broken(err error) {
	off := h.dec.InputOffset()
	var syn *json.SyntaxError
	msg := "the file ends in the middle of the JSON (cut short?); the entries before it are used"
	switch {
	case errors.As(err, &syn):
		off = h.syntaxErrorAt(h.last)
		msg = fmt.Sprintf("not valid JSON (%v); nothing after it can be read", err)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
	default:
		msg = err.Error() + "; nothing after it can be read"
	}
	h.src.Problems = append(h.src.Problems, Problem{Line: h.lineAt(off), Message: msg})
}

// syntaxErrorAt finds the bad byte of the value that starts at or after
// off. A Decoder's SyntaxError offsets count only the bytes it scanned as
// values, so the value is scanned again on its own.
func (h *harReader) syntaxErrorAt(off int64) int64 {
	i := h.skipSpace(off)
	var v json.RawMessage
	var syn *json.SyntaxError
	if err := json.NewDecoder(bytes.NewReader(h.data[i:])).Decode(&v); errors.As(err, &syn) {
		return int64(i) + syn.Offset - 1 // Offset is just past the bad byte
	}
	return off
}

func (h *harReader) skipSpace(off int64) int {
	i := int(min(max(off, 0), int64(len(h.data))))
	for i < len(h.data) && strings.IndexByte(" \t\r\n,:", h.data[i]) >= 0 {
		i++
	}
	return i
}

// lineAt is the line of the first non-space byte at or after off, past a
// separating comma.
func (h *harReader) lineAt(off int64) int {
	return 1 + bytes.Count(h.data[:h.skipSpace(off)], []byte("\n"))
}

// harEntry turns one HAR entry into an exchange; a nil entry was unusable.
// Problems carry a Where relative to the entry (".request.url").
func harEntry(in harInEntry) (*Entry, []Problem) {
	var probs []Problem
	warn := func(where, msg string) { probs = append(probs, Problem{Where: where, Message: msg, Warning: true}) }
	fail := func(where, msg string) (*Entry, []Problem) {
		return nil, append(probs, Problem{Where: where, Message: msg + "; skipped"})
	}
	if where, what := harMissing(in); what != "" {
		return fail(where, what)
	}
	req, resp := in.Request, in.Response
	ex := &exchange.Exchange{Method: *req.Method, Status: *resp.Status, Done: true, Proto: "HTTP/1.1"}
	host, target, err := splitURL(*req.URL)
	if err != nil {
		return fail(".request.url", err.Error())
	}
	ex.Target = target
	if in.StartedDateTime == nil {
		warn("", "has no startedDateTime (HAR 1.2 requires it)")
	} else if t, err := time.Parse(time.RFC3339Nano, *in.StartedDateTime); err == nil {
		ex.Start = t
	} else {
		warn(".startedDateTime", fmt.Sprintf("%q is not an ISO 8601 date", *in.StartedDateTime))
	}
	if in.Time != nil && *in.Time >= 0 {
		ex.Duration = time.Duration(*in.Time * float64(time.Millisecond))
	}
	if req.HTTPVersion != nil && *req.HTTPVersion != "" {
		ex.Proto = *req.HTTPVersion
	}
	if req.Headers == nil {
		warn(".request", "has no headers (HAR 1.2 requires the list, even empty)")
	} else {
		ex.RequestHeaders = requestHeaders(host, *req.Headers)
	}
	if resp.Headers == nil {
		warn(".response", "has no headers (HAR 1.2 requires the list, even empty)")
	} else {
		for _, h := range *resp.Headers {
			ex.ResponseHeaders = append(ex.ResponseHeaders, exchange.Header{Name: h.Name, Value: h.Value})
		}
	}
	var p Problem
	if ex.RequestBody, p = postData(req); p.Message != "" {
		return fail(p.Where, p.Message)
	}
	e := &Entry{Exchange: ex}
	if ex.ResponseBody, e.NoResponseBody, p = responseBody(resp); p.Warning {
		probs = append(probs, p)
	} else if p.Message != "" {
		return fail(p.Where, p.Message)
	}
	if x := in.Wsgidev; x != nil {
		applyExtra(e, x)
	} else {
		e.Foreign = true
	}
	return e, probs
}

// harMissing names the first field an entry cannot be read without
// (what is "" when it has them all).
func harMissing(in harInEntry) (where, what string) {
	req, resp := in.Request, in.Response
	switch {
	case req == nil:
		return "", "has no request"
	case req.Method == nil || *req.Method == "":
		return ".request", "has no method"
	case req.URL == nil || *req.URL == "":
		return ".request", "has no url"
	case resp == nil:
		return "", "has no response"
	case resp.Status == nil:
		return ".response", "has no status"
	}
	return "", ""
}

// splitURL returns the host and request-target of a HAR url (absolute, or
// a bare path some tools write).
func splitURL(raw string) (host, target string, err error) {
	if strings.HasPrefix(raw, "/") {
		return "", raw, nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", "", fmt.Errorf("%q is not an absolute URL", raw)
	}
	target = u.EscapedPath()
	if target == "" {
		target = "/"
	}
	if u.RawQuery != "" || u.ForceQuery {
		target += "?" + u.RawQuery
	}
	return u.Host, target, nil
}

// requestHeaders puts Host first, as captures have it; HTTP/2's
// :authority stands for Host and its other pseudo-headers are dropped.
func requestHeaders(host string, in []harNV) []exchange.Header {
	var out []exchange.Header
	for _, h := range in {
		switch {
		case h.Name == ":authority" || strings.EqualFold(h.Name, "host"):
			host = h.Value
		case strings.HasPrefix(h.Name, ":"):
		default:
			out = append(out, exchange.Header{Name: h.Name, Value: h.Value})
		}
	}
	if host != "" {
		out = append([]exchange.Header{{Name: "Host", Value: host}}, out...)
	}
	return out
}

// postData is the request body: text (base64 when _encoding says so), or
// params written out as a form.
func postData(req *harInReq) (exchange.Body, Problem) {
	pd := req.PostData
	if pd == nil {
		return exchange.Body{}, Problem{}
	}
	var data []byte
	switch {
	case pd.Text != nil && pd.Encoding == "base64":
		d, err := base64.StdEncoding.DecodeString(*pd.Text)
		if err != nil {
			return exchange.Body{}, Problem{Where: ".request.postData.text", Message: fmt.Sprintf("is not valid base64 (%v)", err)}
		}
		data = d
	case pd.Text != nil:
		data = []byte(*pd.Text)
	default:
		form := make([]string, len(pd.Params))
		for i, p := range pd.Params {
			form[i] = url.QueryEscape(p.Name) + "=" + url.QueryEscape(p.Value)
		}
		data = []byte(strings.Join(form, "&"))
	}
	return exchange.Body{Data: data, Size: int64(len(data))}, Problem{}
}

// responseBody reads the response content; none is true when the HAR
// holds no body to compare with. A Problem with Warning set leaves the
// entry usable, any other makes it unusable.
func responseBody(resp *harInResp) (body exchange.Body, none bool, p Problem) {
	switch c := resp.Content; {
	case c == nil:
		return body, true, Problem{Where: ".response", Message: "has no content (HAR 1.2 requires it); the body is not compared", Warning: true}
	case c.Text == nil:
		return body, true, Problem{}
	case c.Encoding == "base64":
		data, err := base64.StdEncoding.DecodeString(*c.Text)
		if err != nil {
			return body, false, Problem{Where: ".response.content.text", Message: fmt.Sprintf("is not valid base64 (%v)", err)}
		}
		return exchange.Body{Data: data, Size: int64(len(data))}, false, Problem{}
	default:
		return exchange.Body{Data: []byte(*c.Text), Size: int64(len(*c.Text))}, false, Problem{}
	}
}

// applyExtra restores what only wsgidev's own HAR carries.
func applyExtra(e *Entry, x *harExtra) {
	ex := e.Exchange
	ex.ID, ex.Remote = x.ID, x.Remote
	if x.Proto != "" {
		ex.Proto = x.Proto
	}
	ex.Environ = mapEnviron(x.Environ, latin1Bytes)
	ex.Events, ex.Failure, ex.Lint = x.Events, x.Failure, x.Lint
	if b := x.RequestBody; b != nil && b.Size >= int64(len(ex.RequestBody.Data)) {
		ex.RequestBody.Size, ex.RequestBody.Truncated = b.Size, b.Truncated
	}
	if b := x.ResponseBody; b != nil && b.Size >= int64(len(ex.ResponseBody.Data)) {
		ex.ResponseBody.Size, ex.ResponseBody.Truncated = b.Size, b.Truncated
	}
}
