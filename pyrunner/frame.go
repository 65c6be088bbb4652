package pyrunner

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Frame types; PROTOCOL.md describes each one.
const (
	frameHello     byte = 1
	frameReady     byte = 2
	frameLoadError byte = 3
	frameStart     byte = 4
	frameChunk     byte = 5
	frameWrite     byte = 6
	frameRead      byte = 7
	frameLog       byte = 8
	frameLint      byte = 9
	frameDone      byte = 10
	frameModules   byte = 11
	frameExcInfo   byte = 12
	frameLibs      byte = 13
	frameInput     byte = 14
	frameWait      byte = 15
	frameRun       byte = 16
	frameLeft      byte = 17
	frameHint      byte = 18
	frameResult    byte = 19
	frameLayers    byte = 20

	frameCall      byte = 32
	frameBody      byte = 33
	frameCredit    byte = 34
	frameStep      byte = 35
	frameCancel    byte = 36
	frameLine      byte = 37
	frameStop      byte = 38
	frameInterrupt byte = 39
)

const (
	frameHeaderLen  = 9
	maxFramePayload = 16 << 20
	protocolVersion = 1
)

// errFrameTooLarge guards the decoder against a corrupt length prefix: without
// it a stray byte on the pipe could make us allocate gigabytes.
var errFrameTooLarge = errors.New("frame payload larger than 16 MiB")

type frame struct {
	typ     byte
	id      uint32
	payload []byte
}

// readFrame reads one frame. The payload is freshly allocated, so callers may
// keep it.
func readFrame(r *bufio.Reader) (frame, error) {
	var hdr [frameHeaderLen]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return frame{}, err
	}
	n := binary.BigEndian.Uint32(hdr[0:4])
	if n > maxFramePayload {
		return frame{}, fmt.Errorf("pyrunner: bad frame (type %d): %w", hdr[4], errFrameTooLarge)
	}
	f := frame{typ: hdr[4], id: binary.BigEndian.Uint32(hdr[5:9])}
	if n > 0 {
		f.payload = make([]byte, n)
		if _, err := io.ReadFull(r, f.payload); err != nil {
			return frame{}, fmt.Errorf("pyrunner: truncated frame (type %d): %w", f.typ, io.ErrUnexpectedEOF)
		}
	}
	return f, nil
}

// appendFrame appends the encoded frame to buf.
func appendFrame(buf []byte, typ byte, id uint32, payload []byte) []byte {
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(payload)))
	buf = append(buf, typ)
	buf = binary.BigEndian.AppendUint32(buf, id)
	return append(buf, payload...)
}

// appendFields encodes key/value pairs as NUL-separated fields, the form the
// environ and response headers take on the wire.
func appendFields(buf []byte, kv []string) []byte {
	for i, s := range kv {
		if i > 0 {
			buf = append(buf, 0)
		}
		buf = append(buf, s...)
	}
	return buf
}

// splitFields is the inverse of appendFields.
func splitFields(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	return strings.Split(string(b), "\x00")
}
