//go:build linux

package main

import (
	"testing"
	"time"
)

func TestParseWrk(t *testing.T) {
	tests := []struct {
		name string
		out  string
		want wrkResult
	}{
		{"keep-alive", `Running 5s test @ http://127.0.0.1:33623/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   785.15us  686.56us   7.07ms   90.98%
    Req/Sec     5.82k     0.92k    7.62k    65.00%
  Latency Distribution
     50%  580.00us
     75%    0.91ms
     90%    1.39ms
     99%    4.04ms
  34810 requests in 3.00s, 3.82MB read
Requests/sec:  11585.72
Transfer/sec:      1.27MB
`, wrkResult{rps: 11585.72, requests: 34810, p50: 580 * time.Microsecond, p99: 4040 * time.Microsecond}},
		{"errors and seconds", `Running 5s test @ http://127.0.0.1:36551/
  2 threads and 64 connections
  Latency Distribution
     50%    1.35ms
     75%    1.60ms
     90%    2.10ms
     99%    1.02s
  16150 requests in 5.00s, 2.50MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 4
Requests/sec:   3230.00
`, wrkResult{rps: 3230, requests: 16150, p50: 1350 * time.Microsecond, p99: 1020 * time.Millisecond, errors: 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseWrk(tt.out)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("parseWrk = %+v, want %+v", got, tt.want)
			}
		})
	}
	if _, err := parseWrk("unable to connect to 127.0.0.1:1 Connection refused\n"); err == nil {
		t.Error("parseWrk accepted output without figures")
	}
}
