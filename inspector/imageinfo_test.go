package inspector

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
)

func TestReadImageInfo(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 37, 21))
	encoded := func(enc func(*bytes.Buffer) error) []byte {
		var b bytes.Buffer
		if err := enc(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	// The WebP files are the 1×1 images browsers are tested with (lossy,
	// lossless, and with alpha: the VP8, VP8L and VP8X headers).
	webp := func(b64 string) []byte {
		data, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"png", encoded(func(b *bytes.Buffer) error { return png.Encode(b, img) }), "PNG image · 37 × 21 pixels"},
		{"jpeg", encoded(func(b *bytes.Buffer) error { return jpeg.Encode(b, img, nil) }), "JPEG image · 37 × 21 pixels"},
		{"gif", encoded(func(b *bytes.Buffer) error { return gif.Encode(b, img, nil) }), "GIF image · 37 × 21 pixels"},
		{"png head only", []byte(tinyPNG), "PNG image · 16 × 16 pixels"},
		{"webp lossy", webp("UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA"), "WebP image · 1 × 1 pixels"},
		{"webp lossless", webp("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA=="), "WebP image · 1 × 1 pixels"},
		{"webp alpha", webp("UklGRkoAAABXRUJQVlA4WAoAAAAQAAAAAAAAAAAAQUxQSAwAAAARBxAR/Q9ERP8DAABWUDggGAAAABQBAJ0BKgEAAQAAAP4AAA3AAP7mtQAAAA=="), "WebP image · 1 × 1 pixels"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			info, err := readImageInfo(c.data)
			if err != nil || info.String() != c.want {
				t.Errorf("got %q, %v; want %q", info, err, c.want)
			}
			if !isImage(c.data, "") {
				t.Error("not sniffed as an image")
			}
		})
	}
	for _, bad := range [][]byte{nil, []byte("RIFF\x00\x00\x00\x00WEBPVP8 "), []byte(tinyPNG[:12]), []byte("GIF8")} {
		if _, err := readImageInfo(bad); err == nil {
			t.Errorf("%q read as an image", bad)
		}
	}
	if isImage([]byte("<svg/>"), "image/svg+xml") || !isImage(nil, "image/webp") {
		t.Error("isImage does not follow the Content-Type")
	}
}

func FuzzReadImageInfo(f *testing.F) {
	f.Add([]byte(tinyPNG))
	f.Add([]byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if info, err := readImageInfo(data); err == nil && (info.width < 0 || info.height < 0 || info.format == "") {
			t.Fatalf("%q read as %+v", data, info)
		}
	})
}
