package inspector

// Images are named by their header: the format and the size in pixels,
// read without decoding the picture.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	_ "image/gif" // image.DecodeConfig reads GIF, JPEG and PNG headers
	_ "image/jpeg"
	_ "image/png"
	"strings"
)

// imageInfo is what an image's header says.
type imageInfo struct {
	format        string // "PNG", "JPEG", "GIF", "WebP"
	width, height int
}

func (i imageInfo) String() string {
	return i.format + " image · " + formatCount(i.width) + " × " + formatCount(i.height) + " pixels"
}

// readImageInfo reads the format and size from an image's header.
func readImageInfo(data []byte) (imageInfo, error) {
	if info, ok, err := readWebP(data); ok {
		return info, err
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return imageInfo{}, err
	}
	return imageInfo{format: strings.ToUpper(format), width: cfg.Width, height: cfg.Height}, nil
}

// isImage reports whether a body is an image: by its Content-Type (SVG is
// XML, shown as such), or by a header that reads as one.
func isImage(data []byte, contentType string) bool {
	if t := mediaType(contentType); strings.HasPrefix(t, "image/") {
		return !strings.Contains(t, "svg")
	}
	_, err := readImageInfo(data)
	return err == nil
}

// readWebP reads a WebP header (RIFF, then a VP8, VP8L or VP8X chunk);
// ok is false for data that is not WebP at all.
func readWebP(data []byte) (info imageInfo, ok bool, err error) {
	if len(data) < 12 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		return imageInfo{}, false, nil
	}
	info.format = "WebP"
	short := errors.New("the WebP header is cut short")
	if len(data) < 30 {
		return info, true, short
	}
	chunk := data[20:30]
	switch string(data[12:16]) {
	case "VP8 ": // lossy: a frame tag, the start code, then 14-bit sizes
		if chunk[3] != 0x9d || chunk[4] != 0x01 || chunk[5] != 0x2a {
			return info, true, errors.New("the WebP (VP8) frame has no start code")
		}
		info.width = int(binary.LittleEndian.Uint16(chunk[6:8]) & 0x3fff)
		info.height = int(binary.LittleEndian.Uint16(chunk[8:10]) & 0x3fff)
	case "VP8L": // lossless: a signature byte, then 14 bits each of width-1 and height-1
		if chunk[0] != 0x2f {
			return info, true, errors.New("the WebP (VP8L) header has no signature")
		}
		bits := binary.LittleEndian.Uint32(chunk[1:5])
		info.width = int(bits&0x3fff) + 1
		info.height = int(bits>>14&0x3fff) + 1
	case "VP8X": // extended: flags, then 24 bits each of width-1 and height-1
		info.width = int(uint32(chunk[4])|uint32(chunk[5])<<8|uint32(chunk[6])<<16) + 1
		info.height = int(uint32(chunk[7])|uint32(chunk[8])<<8|uint32(chunk[9])<<16) + 1
	default:
		return info, true, errors.New("the WebP file has an unknown first chunk")
	}
	return info, true, nil
}
