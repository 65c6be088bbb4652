package devserver

import (
	"net"
	"strconv"
	"strings"
	"testing"
)

// A port in use is worded as what to do, on every OS (listen_<os>.go).
func TestListenPortInUse(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port
	_, err = listen("127.0.0.1", port)
	want := "port " + strconv.Itoa(port) + " on 127.0.0.1 is already in use"
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "--port 0") {
		t.Fatalf("listen on a busy port: %v; want %q and what to do", err, want)
	}
	l, err := listen("127.0.0.1", 0)
	if err != nil {
		t.Fatalf("listen on a free port: %v", err)
	}
	l.Close()
}
