// Package capture is wsgidev's capture file: versioned JSON Lines, one
// finished exchange a line, written whole so that a crash loses at most the
// line in flight. It reads captures and HAR 1.2 files alike, filters their
// entries, compares a replayed answer with the captured one, and exports to
// HAR, curl and pytest. It imports only the standard library and the
// exchange model, and knows nothing of HTTP servers or Python.
//
// The format, version 1:
//
//	{"wsgidev_capture":1,"started":"…","app":"app.py","dir":"/proj",…}   a header: starts every session
//	{"id":1,"method":"GET","target":"/x",…,"response_body":{…}}          one exchange a line
//
// An exchange line has the JSON fields of exchange.Exchange, except:
//   - bodies are {"size":N} plus, when bytes were kept, "encoding" ("text"
//     for valid UTF-8, else "base64") and "data"; "truncated":true and
//     "cap":N when the body was longer than the cap; a request body the
//     app did not read whole says "unread":N, the bytes wsgidev read after
//     it (files written before it existed have none: the app read all);
//   - environ values of type "str" are the str the app saw: the raw bytes
//     decoded as latin-1 (PEP 3333), so bytes that are not UTF-8 survive;
//   - "raw_head", the request line and header lines as they came over the
//     wire, is stored as a body is (bytes that are not UTF-8 as base64) and
//     left out when not recorded; files written before it existed have
//     none, and read as exchanges without one.
//
// Appending to an existing file starts a new session with a new header.
package capture

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// Version is the format this package writes and reads.
const Version = 1

// Header is the first line of every capture session.
type Header struct {
	Version    int       `json:"wsgidev_capture"`
	Started    time.Time `json:"started"`
	App        string    `json:"app,omitempty"`         // the APPSPEC served, as typed
	Dir        string    `json:"dir,omitempty"`         // the folder serve ran in: APPSPEC is relative to it
	URL        string    `json:"url,omitempty"`         // where the server listened, e.g. http://127.0.0.1:8000
	ScriptName string    `json:"script_name,omitempty"` // --script-name
	BodyMax    int       `json:"body_max,omitempty"`    // the cap on each body, in bytes
	Wsgidev    string    `json:"wsgidev,omitempty"`     // the version that wrote it
	Python     string    `json:"python,omitempty"`      // the interpreter that ran the app
}

// Body is how a body is stored on a line.
type Body struct {
	Encoding  string `json:"encoding,omitempty"` // "text" (valid UTF-8) or "base64"; empty when nothing was kept
	Data      string `json:"data,omitempty"`
	Size      int64  `json:"size"`                // the real size, kept or not
	Truncated bool   `json:"truncated,omitempty"` // only the first Cap bytes were kept
	Cap       int    `json:"cap,omitempty"`       // the cap that applied, with Truncated
	Unread    int64  `json:"unread,omitempty"`    // of Size, what the app never read (request bodies)
}

// Body encodings.
const (
	EncodingText   = "text"
	EncodingBase64 = "base64"
)

// record is an exchange line: the exchange's own fields, its bodies
// shadowed by the stored form (the shallower field wins in encoding/json).
type record struct {
	*exchange.Exchange
	RawHead      *Body `json:"raw_head,omitempty"`
	RequestBody  Body  `json:"request_body"`
	ResponseBody Body  `json:"response_body"`
}

// probe tells a header line from an exchange line.
type probe struct {
	Version json.RawMessage `json:"wsgidev_capture"`
}

// EncodeBody stores b, saying the cap when b was cut at it.
func EncodeBody(b exchange.Body, cap int) Body {
	out := Body{Size: b.Size, Truncated: b.Truncated, Unread: b.Unread}
	if b.Truncated {
		out.Cap = cap
		if cap <= 0 {
			out.Cap = len(b.Data)
		}
	}
	switch {
	case len(b.Data) == 0:
	case utf8.Valid(b.Data):
		out.Encoding, out.Data = EncodingText, string(b.Data)
	default:
		out.Encoding, out.Data = EncodingBase64, base64.StdEncoding.EncodeToString(b.Data)
	}
	return out
}

// Decode returns the bytes and size of a stored body.
func (b Body) Decode() (exchange.Body, error) {
	out := exchange.Body{Size: b.Size, Truncated: b.Truncated, Unread: b.Unread}
	if b.Unread < 0 || b.Unread > b.Size {
		return out, fmt.Errorf("says %d bytes unread of %d", b.Unread, b.Size)
	}
	switch b.Encoding {
	case "":
		if b.Data != "" {
			return out, errors.New(`has data but no "encoding" ("text" or "base64")`)
		}
	case EncodingText:
		out.Data = []byte(b.Data)
	case EncodingBase64:
		data, err := base64.StdEncoding.DecodeString(b.Data)
		if err != nil {
			return out, fmt.Errorf("is not valid base64 (%v)", err)
		}
		out.Data = data
	default:
		return out, fmt.Errorf("has unknown encoding %q (want \"text\" or \"base64\")", b.Encoding)
	}
	if b.Size < int64(len(out.Data)) {
		return out, fmt.Errorf("says size %d but holds %d bytes", b.Size, len(out.Data))
	}
	if !b.Truncated && b.Size != int64(len(out.Data)) {
		return out, fmt.Errorf("says size %d but holds %d bytes and is not marked truncated", b.Size, len(out.Data))
	}
	return out, nil
}

// EncodeHeader returns h as one line, newline included.
func EncodeHeader(h Header) []byte {
	if h.Version == 0 {
		h.Version = Version
	}
	return encodeLine(h)
}

// EncodeExchange returns ex as one line, newline included; cap is the body
// cap it was recorded with, said on truncated bodies.
func EncodeExchange(ex *exchange.Exchange, cap int) []byte {
	c := *ex
	c.Environ = mapEnviron(ex.Environ, latin1Text)
	rec := record{
		Exchange:     &c,
		RequestBody:  EncodeBody(ex.RequestBody, cap),
		ResponseBody: EncodeBody(ex.ResponseBody, cap),
	}
	if ex.RawHead.Size > 0 {
		head := EncodeBody(ex.RawHead, 0) // its cap is the bytes kept
		rec.RawHead = &head
	}
	return encodeLine(rec)
}

func encodeLine(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf) // Encode ends the line
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only NaN-like floats and unsupported types fail; the model has none.
		panic("capture: encoding a line: " + err.Error())
	}
	return buf.Bytes()
}

// Line is one decoded line: a header or an exchange.
type Line struct {
	Header   *Header
	Exchange *exchange.Exchange
}

// DecodeLine decodes one line (without its newline). The error says what is
// wrong in words fit to follow "line N: ".
func DecodeLine(line []byte) (Line, error) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return Line{}, errors.New("empty line")
	}
	var p probe
	if err := json.Unmarshal(line, &p); err != nil {
		return Line{}, jsonError(err)
	}
	if p.Version != nil {
		var h Header
		if err := json.Unmarshal(line, &h); err != nil {
			return Line{}, fmt.Errorf("capture header: %v", jsonError(err))
		}
		return Line{Header: &h}, nil
	}
	rec := record{Exchange: &exchange.Exchange{}}
	if err := json.Unmarshal(line, &rec); err != nil {
		return Line{}, jsonError(err)
	}
	ex := rec.Exchange
	if err := checkExchange(ex); err != nil {
		return Line{}, err
	}
	var err error
	if rec.RawHead != nil {
		if ex.RawHead, err = rec.RawHead.Decode(); err != nil {
			return Line{}, fmt.Errorf("raw_head %v", err)
		}
	}
	if ex.RequestBody, err = rec.RequestBody.Decode(); err != nil {
		return Line{}, fmt.Errorf("request_body %v", err)
	}
	if ex.ResponseBody, err = rec.ResponseBody.Decode(); err != nil {
		return Line{}, fmt.Errorf("response_body %v", err)
	}
	ex.Environ = mapEnviron(ex.Environ, latin1Bytes)
	return Line{Exchange: ex}, nil
}

func checkExchange(ex *exchange.Exchange) error {
	switch {
	case ex.Method == "":
		return errors.New(`an exchange without "method"`)
	case ex.Target == "":
		return errors.New(`an exchange without "target"`)
	case ex.Status < 0 || ex.Status > 999:
		return fmt.Errorf("status %d is not an HTTP status", ex.Status)
	}
	return nil
}

// jsonError words a decoding error for a person reading the file.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("not valid JSON at byte %d: %v", syn.Offset, err)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Errorf("%s should be %s, not a JSON %s", typ.Field, typ.Type, typ.Value)
		}
		return fmt.Errorf("a JSON %s where an object was expected", typ.Value)
	}
	return fmt.Errorf("not valid JSON: %v", err)
}

// mapEnviron converts the str values of an environ with f.
func mapEnviron(env []exchange.EnvVar, f func(string) string) []exchange.EnvVar {
	if env == nil {
		return nil
	}
	out := make([]exchange.EnvVar, len(env))
	for i, v := range env {
		if v.Type == "str" {
			v.Value = f(v.Value)
		}
		out[i] = v
	}
	return out
}

// latin1Text is raw bytes as the str a WSGI app sees: each byte one code
// point. ASCII is unchanged.
func latin1Text(raw string) string {
	ascii := true
	for i := 0; i < len(raw); i++ {
		if raw[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return raw
	}
	runes := make([]rune, len(raw))
	for i := 0; i < len(raw); i++ {
		runes[i] = rune(raw[i])
	}
	return string(runes)
}

// latin1Bytes reverses latin1Text. A code point past U+00FF (a hand-edited
// file) cannot have come from bytes; the text is then kept as UTF-8.
func latin1Bytes(text string) string {
	out := make([]byte, 0, len(text))
	for _, r := range text {
		if r > 0xFF {
			return text
		}
		out = append(out, byte(r))
	}
	return string(out)
}

// PythonStr is a raw environ value as the str a WSGI app sees it.
func PythonStr(raw string) string { return latin1Text(raw) }
