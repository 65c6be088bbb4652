package devserver

import (
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

func TestParseBreakpoint(t *testing.T) {
	tests := []struct {
		expr    string
		hits    []string // "METHOD /path [Header: value]"
		misses  []string
		wantErr string
	}{
		{expr: "next", hits: []string{"GET /", "POST /x"}},
		{expr: "GET /api/*", hits: []string{"GET /api/", "GET /api/users/1"}, misses: []string{"POST /api/x", "GET /apix", "GET /"}},
		{expr: "path:/x?z", hits: []string{"PUT /xyz"}, misses: []string{"PUT /xz", "PUT /xyzz"}},
		{expr: "method:DELETE next", hits: []string{"DELETE /a"}, misses: []string{"GET /a"}},
		{expr: "header:x-debug", hits: []string{"GET / X-Debug: 1"}, misses: []string{"GET /"}},
		{expr: "POST header:X-Debug=yes", hits: []string{"POST / X-Debug: yes"}, misses: []string{"POST / X-Debug: no", "GET / X-Debug: yes"}},
		{expr: "/a.b", hits: []string{"GET /a.b"}, misses: []string{"GET /axb"}},
		{expr: "method:get", hits: []string{"GET /x"}, misses: []string{"POST /x"}},
		{expr: "/a* path:*b", hits: []string{"GET /ab", "GET /a/b"}, misses: []string{"GET /a", "GET /b"}},
		{expr: "header:A header:B", hits: []string{"GET / A: 1, B: 2"}, misses: []string{"GET / A: 1"}},
		{expr: "get /x", hits: []string{"GET /x"}, misses: []string{"POST /x", "GET /y"}}, // free text, any case
		{expr: "POST or PUT /x", hits: []string{"POST /", "PUT /x"}, misses: []string{"PUT /y", "GET /x"}},
		{expr: "-is:replay", hits: []string{"GET /"}},
		{expr: "", wantErr: "empty breakpoint"},
		{expr: "GET POST", wantErr: "two methods (GET and POST)"},
		{expr: "path:api", wantErr: "starts with /"},
		{expr: "header:", wantErr: "name a request header"},
		{expr: "query:x=1", wantErr: "unknown term"},
		{expr: "next next", wantErr: "given twice"},
		{expr: "status:5xx", wantErr: "no status yet"},
		{expr: "body:x", wantErr: "no body to look in"},
		{expr: "is:error", wantErr: "has not failed yet"},
		{expr: "is:pinned", wantErr: "pins belong to the inspector"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			b, err := ParseBreakpoint(tt.expr)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b.Once != strings.Contains(tt.expr, "next") {
				t.Errorf("Once %v", b.Once)
			}
			for _, req := range tt.hits {
				if !b.Match(request(req)) {
					t.Errorf("%q does not match %q", tt.expr, req)
				}
			}
			for _, req := range tt.misses {
				if b.Match(request(req)) {
					t.Errorf("%q matches %q", tt.expr, req)
				}
			}
		})
	}
}

// request is the exchange of "METHOD /path [Name: value, Name: value]" as
// the server has recorded it when a breakpoint looks: the request line
// and headers, nothing more.
func request(s string) *exchange.Exchange {
	method, rest, _ := strings.Cut(s, " ")
	path, headers, _ := strings.Cut(rest, " ")
	ex := &exchange.Exchange{Method: method, Target: path, RequestHeaders: []exchange.Header{{Name: "Host", Value: "127.0.0.1"}}}
	for _, h := range strings.Split(headers, ", ") {
		if name, value, ok := strings.Cut(h, ": "); ok {
			ex.RequestHeaders = append(ex.RequestHeaders, exchange.Header{Name: name, Value: value})
		}
	}
	return ex
}
