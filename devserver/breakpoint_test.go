package devserver

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
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
		{expr: "", wantErr: "empty breakpoint"},
		{expr: "get /x", wantErr: `"get" is not a term`},
		{expr: "GET POST", wantErr: "two methods"},
		{expr: "/a /b", wantErr: "two paths"},
		{expr: "path:api", wantErr: "starts with /"},
		{expr: "header:", wantErr: "name a request header"},
		{expr: "header:A header:B", wantErr: "two headers"},
		{expr: "query:x=1", wantErr: `unknown term "query:"`},
		{expr: "method:get", wantErr: "a word in capitals"},
		{expr: "next next", wantErr: "next given twice"},
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
				if !b.Matches(request(req)) {
					t.Errorf("%q does not match %q", tt.expr, req)
				}
			}
			for _, req := range tt.misses {
				if b.Matches(request(req)) {
					t.Errorf("%q matches %q", tt.expr, req)
				}
			}
		})
	}
}

func request(s string) *http.Request {
	method, rest, _ := strings.Cut(s, " ")
	path, header, _ := strings.Cut(rest, " ")
	r := httptest.NewRequest(method, path, nil)
	if name, value, ok := strings.Cut(header, ": "); ok {
		r.Header.Set(name, value)
	}
	return r
}
