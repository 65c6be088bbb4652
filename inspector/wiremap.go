package inspector

import (
	"net/url"
	"strconv"
	"strings"
)

// wireKey is one environ key a line of the request head became.
type wireKey struct {
	key   string
	value string // bytes-as-str, as the app gets it
	how   string // how the line became the key, in a few words
}

// wireRow is one line of the request head and what became of it.
type wireRow struct {
	raw  string    // the line as received, without its line ending
	keys []wireKey // the keys it became; none when dropped or joined
	note string    // why it became no key, or which key it joined
}

// mapWire maps a request head (the request line, then one header per line,
// as received) to the environ keys PEP 3333 and wsgidev make of it: the
// request line's parts, each header's HTTP_* key (CONTENT_TYPE and
// CONTENT_LENGTH without the prefix), repeated headers comma-joined into
// the first line's key, underscored names dropped. scriptName is the
// decoded mount prefix ("" for the root). It follows devserver/wsgi's
// Environ; the wire view checks its result against the real environ.
func mapWire(head []string, scriptName string) []wireRow {
	if len(head) == 0 {
		return nil
	}
	rows := []wireRow{requestLineRow(head[0], scriptName)}
	type joined struct {
		row    int // the row holding the key
		values []string
	}
	seen := map[string]*joined{}
	var order []string // keys in first-seen order, for joining at the end
	for _, line := range head[1:] {
		if line == "" {
			continue
		}
		if (line[0] == ' ' || line[0] == '\t') && len(rows) > 1 {
			rows = append(rows, wireRow{raw: line, note: "continues the header above (obsolete line folding)"})
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		name, value = strings.TrimSpace(name), strings.Trim(value, " \t")
		row := wireRow{raw: line}
		key := headerKey(name)
		switch {
		case !ok || name == "":
			row.note = "not a header line (no name before a colon)"
		case strings.ContainsRune(name, '_'):
			row.note = "dropped: with _ in its name it would pass for " + strings.ReplaceAll(name, "_", "-") + " as " + key +
				" (a header-smuggling trick); gunicorn and nginx drop it too"
		case key == "CONTENT_LENGTH" && strings.TrimLeft(value, "0") == "":
			row.note = "no CONTENT_LENGTH: the body is empty"
		case seen[key] != nil:
			j := seen[key]
			j.values = append(j.values, value)
			row.note = "joined into " + key + " above"
		default:
			seen[key] = &joined{row: len(rows), values: []string{value}}
			order = append(order, key)
		}
		rows = append(rows, row)
	}
	for _, key := range order {
		j := seen[key]
		sep, how := ",", "from the "+rows[j.row].rawName()+" header"
		if key == "HTTP_COOKIE" {
			sep = "; " // as devserver joins cookies: a comma would merge two
		}
		if len(j.values) > 1 {
			how = "from " + strconv.Itoa(len(j.values)) + " " + rows[j.row].rawName() + " headers, joined with " + strconv.Quote(sep)
		}
		rows[j.row].keys = []wireKey{{key: key, value: strings.Join(j.values, sep), how: how}}
	}
	return rows
}

// rawName is the header name of a header row, as sent.
func (r wireRow) rawName() string {
	name, _, _ := strings.Cut(r.raw, ":")
	return strings.TrimSpace(name)
}

// headerKey is the environ key of a header: HTTP_ and the name upper-cased
// with - as _, but CONTENT_TYPE and CONTENT_LENGTH bare (PEP 3333).
func headerKey(name string) string {
	key := strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
	if key == "CONTENT_TYPE" || key == "CONTENT_LENGTH" {
		return key
	}
	return "HTTP_" + key
}

// requestLineRow splits "METHOD target PROTO" into REQUEST_METHOD,
// SCRIPT_NAME and PATH_INFO (the path percent-decoded and split at the
// mount prefix), QUERY_STRING (left encoded) and SERVER_PROTOCOL.
func requestLineRow(line, scriptName string) wireRow {
	row := wireRow{raw: line}
	fields := strings.Fields(line)
	if len(fields) != 3 {
		row.note = "not a request line (want METHOD target HTTP/x.y)"
		return row
	}
	method, target, proto := fields[0], fields[1], fields[2]
	row.keys = append(row.keys, wireKey{"REQUEST_METHOD", method, "the method"})
	rawPath, query, hasQuery := strings.Cut(target, "?")
	if u, err := url.ParseRequestURI(target); err == nil && u.Host != "" {
		rawPath = u.EscapedPath() // absolute-form: the path after the host
	}
	path, err := url.PathUnescape(rawPath)
	if err != nil {
		row.keys = append(row.keys, wireKey{"PATH_INFO", "", "the path is not valid percent-encoding"})
	} else {
		decoded := ""
		if path != rawPath {
			decoded = ", percent-decoded"
		}
		info, inside := strings.CutPrefix(path, scriptName)
		inside = inside && (info == "" || info[0] == '/')
		switch {
		case !inside:
			row.keys = append(row.keys, wireKey{"PATH_INFO", "", "the path is outside the mount " + scriptName + ": not the app's"})
		case scriptName != "":
			row.keys = append(row.keys,
				wireKey{"SCRIPT_NAME", scriptName, "the path up to the mount point"},
				wireKey{"PATH_INFO", info, "the rest of the path" + decoded})
		default:
			row.keys = append(row.keys,
				wireKey{"SCRIPT_NAME", "", "empty: the app is mounted at the root"},
				wireKey{"PATH_INFO", info, "the path" + decoded})
		}
	}
	how := "after the ?, still percent-encoded"
	if !hasQuery {
		how = "empty: no ? in the target"
	}
	row.keys = append(row.keys,
		wireKey{"QUERY_STRING", query, how},
		wireKey{"SERVER_PROTOCOL", proto, "the HTTP version"},
		wireKey{"REQUEST_URI", target, "the target as sent (not in PEP 3333; Apache, uWSGI and werkzeug set it)"},
		wireKey{"RAW_URI", target, "the same, by the name gunicorn gives it"})
	return row
}
