package inspector

import (
	"strings"
	"testing"
)

func TestPrettyMarkup(t *testing.T) {
	cases := []struct {
		name string
		html bool
		in   string
		want string
	}{
		{"html page", true,
			"<!doctype html><html><head><meta charset=utf-8><title>Hi</title>\n<style>\n  body { color: red }\n</style></head>" +
				"<body><h1>Hello,   world!</h1><ul><li>one<li>two</ul><p>a <b>bold</b> move<br>next</p></body></html>",
			"<!doctype html>\n<html>\n  <head>\n    <meta charset=utf-8>\n    <title>Hi</title>\n    <style>\n      body { color: red }\n    </style>\n  </head>\n" +
				"  <body>\n    <h1>Hello, world!</h1>\n    <ul>\n      <li>\n        one\n      <li>\n        two\n    </ul>\n    <p>\n      a\n      <b>bold</b>\n      move\n      <br>\n      next\n    </p>\n  </body>\n</html>"},
		{"script kept", true, `<script>if (a < b && c > d) { x("</p>") }</script><p>x</p>`,
			"<script>\n  if (a < b && c > d) { x(\"</p>\") }\n</script>\n<p>x</p>"},
		{"xml", false, `<?xml version="1.0"?><feed><entry id="1"><title>T</title><link href="/a"/></entry><!-- the end --></feed>`,
			"<?xml version=\"1.0\"?>\n<feed>\n  <entry id=\"1\">\n    <title>T</title>\n    <link href=\"/a\"/>\n  </entry>\n  <!-- the end -->\n</feed>"},
		{"attribute with >", false, `<a title="x > y">t</a>`, `<a title="x > y">t</a>`},
		{"not a tag", true, "1 < 2 and <3", "1 < 2 and <3"},
		{"cut in a tag", false, `<a><b attr="x`, "<a>\n  <b attr=\"x"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := strings.Join(prettyMarkup([]byte(c.in), c.html, "  "), "\n")
			if got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

// Elements nested deeper than maxIndent are indented no further.
func TestPrettyMarkupDeep(t *testing.T) {
	lines := prettyMarkup([]byte(strings.Repeat("<a>", 50_000)), false, "  ")
	if len(lines) != 50_000 || len(lines[len(lines)-1]) != 2*maxIndent+3 {
		t.Errorf("%d lines, the last %d long", len(lines), len(lines[len(lines)-1]))
	}
}

func FuzzPrettyMarkup(f *testing.F) {
	for _, s := range []string{"<!doctype html><p>a<br>b</p>", "<?xml?><a x='>'><![CDATA[<x>]]></a>", "<script>1<2</script", "<!--", "<a\n b='1'\n>"} {
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, html bool) {
		got := strings.Join(prettyMarkup(data, html, "  "), "\n")
		if !sameOutsideSpace(got, string(data)) {
			t.Fatalf("%q printed as %q: bytes other than spacing changed", data, got)
		}
	})
}
