package inspector

import (
	"bytes"
	"mime/multipart"
	"net/textproto"
	"testing"
)

// formBody is a multipart/form-data body as a browser sends it: a text
// field, a PNG file and a JSON part.
func formBody(t testing.TB) ([]byte, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.SetBoundary("----wsgidevBoundary7MA4YWxk")
	w.WriteField("title", "hello\nworld")
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="avatar"; filename="avatar.png"`)
	h.Set("Content-Type", "image/png")
	pw, _ := w.CreatePart(h)
	pw.Write([]byte(tinyPNG))
	h = textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="meta"`)
	h.Set("Content-Type", "application/json")
	pw, _ = w.CreatePart(h)
	pw.Write([]byte(`{"a":1}`))
	w.Close()
	return b.Bytes(), w.FormDataContentType()
}

// tinyPNG is the head of a 16×16 PNG: enough for its size.
const tinyPNG = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"

func TestSplitMultipart(t *testing.T) {
	data, ct := formBody(t)
	mb, err := splitMultipart(data, ct, false)
	if err != nil || mb.cut || mb.problem != "" || len(mb.parts) != 3 {
		t.Fatalf("got %+v, %v; want 3 whole parts", mb, err)
	}
	want := []bodyPart{
		{name: "title", data: []byte("hello\nworld")},
		{name: "avatar", filename: "avatar.png", contentType: "image/png", data: []byte(tinyPNG)},
		{name: "meta", contentType: "application/json", data: []byte(`{"a":1}`)},
	}
	for i, w := range want {
		p := mb.parts[i]
		if p.name != w.name || p.filename != w.filename || p.contentType != w.contentType || !bytes.Equal(p.data, w.data) || p.cut {
			t.Errorf("part %d = %+v, want %+v", i+1, p, w)
		}
	}

	// Without a Content-Type the boundary is read off the first line.
	if mb, err := splitMultipart(data, "", false); err != nil || len(mb.parts) != 3 {
		t.Errorf("sniffed: %d parts, %v", len(mb.parts), err)
	}
	if !isMultipart(data, "") || isMultipart(data, "text/plain") || !isMultipart(nil, ct) {
		t.Error("isMultipart does not follow the Content-Type, or does not sniff without one")
	}

	// Cut by the capture cap inside the second part: the first whole, the
	// second cut, the third never seen.
	at := bytes.Index(data, []byte("PNG")) + 2
	mb, err = splitMultipart(data[:at], ct, true)
	if err != nil || !mb.cut || len(mb.parts) != 2 || mb.parts[0].cut || !mb.parts[1].cut || string(mb.parts[1].data) != tinyPNG[:3] {
		t.Errorf("cut: %+v, %v", mb, err)
	}

	if _, err := splitMultipart([]byte("plain text"), "multipart/form-data", false); err == nil {
		t.Error("a body without a boundary split")
	}
}

func FuzzSplitMultipart(f *testing.F) {
	data, ct := formBody(f)
	f.Add(data, ct)
	f.Add(data[:len(data)/2], "")
	f.Add([]byte("--x\r\nA: b\r\n\r\nbody\r\n--x--\r\n"), "multipart/mixed; boundary=x")
	f.Fuzz(func(t *testing.T, data []byte, ct string) {
		mb, err := splitMultipart(data, ct, false)
		if err != nil {
			return
		}
		total := 0
		for _, p := range mb.parts {
			total += len(p.data)
		}
		if total > len(data) || len(mb.parts) > maxParts {
			t.Fatalf("%d parts holding %d bytes from a body of %d", len(mb.parts), total, len(data))
		}
	})
}
