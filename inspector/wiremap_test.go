package inspector

import (
	"reflect"
	"strings"
	"testing"
)

// keysOf is a row's keys as "KEY=value" strings, or "note: …" for a row
// that became none.
func keysOf(r wireRow) []string {
	if len(r.keys) == 0 {
		return []string{"note: " + r.note}
	}
	var out []string
	for _, k := range r.keys {
		out = append(out, k.key+"="+k.value)
	}
	return out
}

func TestMapWire(t *testing.T) {
	cases := []struct {
		name   string
		head   []string
		script string
		want   [][]string // per row
	}{
		{
			name: "repeated headers join into the first one's key",
			head: []string{"GET /a HTTP/1.1", "Host: h:8000", "Accept: text/html", "X-Trace: 1", "accept: application/json", "Cookie: a=1", "Cookie: b=2"},
			want: [][]string{
				{"REQUEST_METHOD=GET", "SCRIPT_NAME=", "PATH_INFO=/a", "QUERY_STRING=", "SERVER_PROTOCOL=HTTP/1.1", "REQUEST_URI=/a", "RAW_URI=/a"},
				{"HTTP_HOST=h:8000"},
				{"HTTP_ACCEPT=text/html,application/json"},
				{"HTTP_X_TRACE=1"},
				{"note: joined into HTTP_ACCEPT above"},
				{"HTTP_COOKIE=a=1; b=2"},
				{"note: joined into HTTP_COOKIE above"},
			},
		},
		{
			name: "underscored names are dropped, dashed ones kept",
			head: []string{"GET / HTTP/1.1", "X_Forwarded_For: 10.0.0.1", "X-Forwarded-For: 127.0.0.1"},
			want: [][]string{
				{"REQUEST_METHOD=GET", "SCRIPT_NAME=", "PATH_INFO=/", "QUERY_STRING=", "SERVER_PROTOCOL=HTTP/1.1", "REQUEST_URI=/", "RAW_URI=/"},
				{"note: dropped: with _ in its name it would pass for X-Forwarded-For as HTTP_X_FORWARDED_FOR (a header-smuggling trick); gunicorn and nginx drop it too"},
				{"HTTP_X_FORWARDED_FOR=127.0.0.1"},
			},
		},
		{
			name:   "a mount prefix splits the decoded path",
			head:   []string{"POST /api/caf%C3%A9/a%2Fb?q=caf%C3%A9 HTTP/1.0", "Content-Type: text/plain", "Content-Length: 5"},
			script: "/api",
			want: [][]string{
				{"REQUEST_METHOD=POST", "SCRIPT_NAME=/api", "PATH_INFO=/caf\xc3\xa9/a/b", "QUERY_STRING=q=caf%C3%A9", "SERVER_PROTOCOL=HTTP/1.0",
					"REQUEST_URI=/api/caf%C3%A9/a%2Fb?q=caf%C3%A9", "RAW_URI=/api/caf%C3%A9/a%2Fb?q=caf%C3%A9"},
				{"CONTENT_TYPE=text/plain"},
				{"CONTENT_LENGTH=5"},
			},
		},
		{
			name:   "the mount point itself has an empty PATH_INFO",
			head:   []string{"GET /api HTTP/1.1"},
			script: "/api",
			want:   [][]string{{"REQUEST_METHOD=GET", "SCRIPT_NAME=/api", "PATH_INFO=", "QUERY_STRING=", "SERVER_PROTOCOL=HTTP/1.1", "REQUEST_URI=/api", "RAW_URI=/api"}},
		},
		{
			name:   "a path outside the mount is not the app's",
			head:   []string{"GET /apix HTTP/1.1"},
			script: "/api",
			want:   [][]string{{"REQUEST_METHOD=GET", "PATH_INFO=", "QUERY_STRING=", "SERVER_PROTOCOL=HTTP/1.1", "REQUEST_URI=/apix", "RAW_URI=/apix"}},
		},
		{
			name: "an empty Content-Length makes no key; a bad line is said so",
			head: []string{"PUT http://h/x%20y?z HTTP/1.1", "Content-Length: 0", "garbage", "\tfolded"},
			want: [][]string{
				{"REQUEST_METHOD=PUT", "SCRIPT_NAME=", "PATH_INFO=/x y", "QUERY_STRING=z", "SERVER_PROTOCOL=HTTP/1.1", "REQUEST_URI=http://h/x%20y?z", "RAW_URI=http://h/x%20y?z"},
				{"note: no CONTENT_LENGTH: the body is empty"},
				{"note: not a header line (no name before a colon)"},
				{"note: continues the header above (obsolete line folding)"},
			},
		},
		{
			name: "a broken request line",
			head: []string{"GET /"},
			want: [][]string{{"note: not a request line (want METHOD target HTTP/x.y)"}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows := mapWire(c.head, c.script)
			var got [][]string
			for _, r := range rows {
				got = append(got, keysOf(r))
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("mapWire(%q, %q):\n got %q\nwant %q", c.head, c.script, got, c.want)
			}
			for i, r := range rows {
				if r.raw != c.head[i] {
					t.Errorf("row %d is %q, want the head's line %q", i, r.raw, c.head[i])
				}
			}
		})
	}
	if rows := mapWire(nil, ""); rows != nil {
		t.Errorf("mapWire(nil) = %v, want nothing", rows)
	}
	// The how of a percent-decoded path says so; a plain one does not.
	if how := mapWire([]string{"GET /a%20b HTTP/1.1"}, "")[0].keys[2].how; !strings.Contains(how, "percent-decoded") {
		t.Errorf("PATH_INFO's how is %q, want it to say percent-decoded", how)
	}
}
