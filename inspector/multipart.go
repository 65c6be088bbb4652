package inspector

// Multipart bodies (file uploads, form posts with files) split into their
// parts for the Body and Request tabs.

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"strings"
)

// maxParts is how many parts a body is split into; a body with more is
// shown in part, and says so.
const maxParts = 1000

// bodyPart is one part of a multipart body, its bytes as sent.
type bodyPart struct {
	name        string // the form field (Content-Disposition name)
	filename    string // an uploaded file's name; "" for a plain field
	contentType string // the part's Content-Type; "" when it gave none
	data        []byte
	cut         bool // the body ended inside this part (the capture cap)
}

// multipartBody is a body split into its parts.
type multipartBody struct {
	boundary string
	parts    []bodyPart
	cut      bool   // the body ended before its closing boundary
	problem  string // why splitting stopped early, when it is not the cut
}

// isMultipart reports whether a body is multipart: by its Content-Type,
// or, without one, by a first line that is a boundary.
func isMultipart(data []byte, contentType string) bool {
	if mediaType(contentType) != "" {
		return strings.HasPrefix(mediaType(contentType), "multipart/")
	}
	return sniffBoundary(data) != ""
}

// mediaType is the media type of a Content-Type, lowercase, without its
// parameters; "" when there is none.
func mediaType(contentType string) string {
	t, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(t))
}

// sniffBoundary is the boundary a body's first line opens ("--" and a
// boundary, then a header line below), or "".
func sniffBoundary(data []byte) string {
	first, rest, ok := bytes.Cut(data, []byte("\n"))
	first = bytes.TrimSuffix(first, []byte("\r"))
	if !ok || len(first) < 3 || len(first) > 72 || !bytes.HasPrefix(first, []byte("--")) {
		return ""
	}
	header, _, _ := bytes.Cut(rest, []byte("\n"))
	if !bytes.Contains(header, []byte(":")) || bytes.ContainsAny(first[2:], " \t\"") {
		return ""
	}
	return string(first[2:])
}

// splitMultipart splits a body into its parts. The boundary comes from
// the Content-Type, else from the body's first line. A body cut short
// keeps the parts it has, the last one marked cut.
func splitMultipart(data []byte, contentType string, truncated bool) (multipartBody, error) {
	boundary := ""
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		boundary = params["boundary"]
	}
	if boundary == "" {
		boundary = sniffBoundary(data)
	}
	if boundary == "" {
		return multipartBody{}, errors.New("no boundary: the Content-Type names none and the body does not start with one")
	}
	mb := multipartBody{boundary: boundary}
	r := multipart.NewReader(bytes.NewReader(data), boundary)
	for len(mb.parts) < maxParts {
		p, err := r.NextRawPart()
		if err == io.EOF {
			return mb, nil
		}
		if err != nil {
			mb.stop(err, truncated)
			return mb, nil
		}
		part := bodyPart{name: p.FormName(), filename: p.FileName(), contentType: p.Header.Get("Content-Type")}
		part.data, err = io.ReadAll(p)
		if err != nil {
			part.cut = true
		}
		mb.parts = append(mb.parts, part)
		if err != nil {
			mb.stop(err, truncated)
			return mb, nil
		}
	}
	mb.problem = "only the first " + formatCount(maxParts) + " parts are shown"
	return mb, nil
}

// stop records why the parts end early: the body was cut, or is broken.
func (mb *multipartBody) stop(err error, truncated bool) {
	if truncated || errors.Is(err, io.ErrUnexpectedEOF) {
		mb.cut = true
		return
	}
	mb.problem = "the parts end early: " + err.Error()
}
