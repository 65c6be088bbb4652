package inspector

// Edit, then replay (the replays component's e key): the request opens
// in the user's editor as an HTTP message and is sent as saved. An edit
// that does not parse is kept as a draft: e opens it again, the error
// marked at its top, until it parses and is sent.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// editedMsg is the editor's exit after editing a request.
type editedMsg struct {
	orig   *exchange.Exchange
	path   string
	editor string
	err    error
}

// draft is an edit of a request that did not parse, kept for e to open
// again.
type draft struct {
	orig *exchange.Exchange
	text []byte // as saved, without the lines wsgidev put at its top
	err  error  // why it did not parse; a *parseError names the line
}

// draftHead is how many lines markDraft puts above a draft.
const draftHead = 3

// markDraft is a draft as the editor opens it again: the error at its
// top in lines parseRequest leaves out, its line number counted as the
// editor shows it.
func markDraft(d *draft) []byte {
	why := d.err.Error()
	var pe *parseError
	if errors.As(d.err, &pe) {
		why = fmt.Sprintf("line %d: %s", pe.line+draftHead, pe.msg)
	}
	head := "# wsgidev: this edit did not parse, so nothing was sent:\n# " + strings.ReplaceAll(why, "\n", " ") +
		"\n# Fix it and save to send it; lines starting with # at the top are left out.\n"
	return append([]byte(head), d.text...)
}

// edit opens the request of ex in the editor as an HTTP message (or the
// draft of an edit of it that did not parse); the edited version is
// replayed when the editor exits.
func (r *replays) edit(ex *exchange.Exchange) tea.Cmd {
	argv := editorCommand(r.c.opts.Editor)
	text := formatRequest(ex)
	if d := r.drafts[ex.ID]; d != nil {
		text = markDraft(d)
	}
	f, err := os.CreateTemp("", "wsgidev-request-*.http")
	if err == nil {
		_, err = f.Write(text)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		r.c.post(flashMsg{"cannot write the request to edit: " + err.Error(), true})
		return nil
	}
	if ex.RequestBody.Truncated {
		r.c.post(noteMsg(fmt.Sprintf("#%d: the request body was cut at the capture cap; the file holds its first %d bytes", ex.ID, len(ex.RequestBody.Data))))
	}
	cmd := exec.Command(argv[0], append(argv[1:], f.Name())...)
	return tea.ExecProcess(cmd, func(err error) tea.Msg {
		return editedMsg{orig: ex, path: f.Name(), editor: argv[0], err: err}
	})
}

// editorCommand is the editor to run, split into words: the option,
// $VISUAL, $EDITOR, or vi.
func editorCommand(option string) []string {
	for _, e := range []string{option, os.Getenv("VISUAL"), os.Getenv("EDITOR")} {
		if words := strings.Fields(e); len(words) > 0 {
			return words
		}
	}
	return []string{"vi"}
}

// edited replays what the editor left in the file, or shows why not:
// the error, and the file's lines numbered so the line it names is found.
func (r *replays) edited(msg editedMsg) tea.Cmd {
	defer os.Remove(msg.path)
	fail := func(why string, text []byte) tea.Cmd {
		title := fmt.Sprintf("edit of #%d: nothing replayed", msg.orig.ID)
		r.c.post(flashMsg{title + " (e edits it again)", true})
		r.c.post(noteMsg(title + ": " + why))
		lines := []paneLine{{why, lineBad}}
		if len(text) > 0 {
			lines = append(lines, paneLine{}, paneLine{"the edited request (e opens it again):", lineDim})
			for i, l := range strings.Split(strings.TrimSuffix(string(text), "\n"), "\n") {
				lines = append(lines, paneLine{fmt.Sprintf("%4d  %s", i+1, l), linePlain})
			}
		}
		r.open(title, lines, 0)
		r.pane.draft = msg.orig
		return nil
	}
	if msg.err != nil {
		return fail(fmt.Sprintf("the editor %s failed: %v (set $EDITOR to one that works)", filepath.Base(msg.editor), msg.err), nil)
	}
	text, err := os.ReadFile(msg.path)
	if err != nil {
		return fail("cannot read the edited request: "+err.Error(), nil)
	}
	req, err := parseRequest(text, msg.orig)
	if err != nil {
		body, skipped := withoutHead(text)
		d := &draft{orig: msg.orig, text: body, err: shiftLine(err, -skipped)}
		r.drafts[msg.orig.ID] = d
		return fail("the edited request does not parse: "+err.Error(), text)
	}
	delete(r.drafts, msg.orig.ID)
	return r.replay(msg.orig, req, true)
}

// formatRequest writes the request of ex as an HTTP message: the request
// line, the headers, a blank line, the body. Content-Length is left out:
// the replay sets it from the body.
func formatRequest(ex *exchange.Exchange) []byte {
	var b bytes.Buffer
	proto := ex.Proto
	if proto == "" {
		proto = "HTTP/1.1"
	}
	fmt.Fprintf(&b, "%s %s %s\n", ex.Method, ex.Target, proto)
	for _, h := range ex.RequestHeaders {
		if !strings.EqualFold(h.Name, "Content-Length") {
			fmt.Fprintf(&b, "%s: %s\n", h.Name, h.Value)
		}
	}
	b.WriteByte('\n')
	b.Write(ex.RequestBody.Data)
	return b.Bytes()
}

// parseError is what is wrong with an edited request, at a line of the
// file as the editor showed it.
type parseError struct {
	line int
	msg  string
}

func (e *parseError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// shiftLine moves a parseError's line by n; other errors pass as they are.
func shiftLine(err error, n int) error {
	var pe *parseError
	if errors.As(err, &pe) {
		return &parseError{line: pe.line + n, msg: pe.msg}
	}
	return err
}

// withoutHead is text without the lines starting with # at its top (the
// error markDraft puts there), and how many there were.
func withoutHead(text []byte) ([]byte, int) {
	n := 0
	for bytes.HasPrefix(text, []byte("#")) {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			return nil, n + 1
		}
		text, n = text[i+1:], n+1
	}
	return text, n
}

// parseRequest reads an edited HTTP message back into a request to send;
// errors name the line. Lines starting with # at the top are left out.
// orig says whether its body ended in a newline: an editor adds one on
// save, which is taken off again when it did not.
func parseRequest(text []byte, orig *exchange.Exchange) (*exchange.Exchange, error) {
	text, skipped := withoutHead(text)
	req, err := parseMessage(text, orig)
	return req, shiftLine(err, skipped)
}

func parseMessage(text []byte, orig *exchange.Exchange) (*exchange.Exchange, error) {
	if len(bytes.TrimSpace(text)) == 0 {
		return nil, errors.New("the file is empty")
	}
	head, body := text, []byte(nil)
	lf, crlf := bytes.Index(text, []byte("\n\n")), bytes.Index(text, []byte("\r\n\r\n"))
	switch {
	case crlf >= 0 && (lf < 0 || crlf < lf):
		head, body = text[:crlf], text[crlf+4:]
	case lf >= 0:
		head, body = text[:lf], text[lf+2:]
	}
	lines := strings.Split(strings.TrimRight(string(head), "\r\n"), "\n")
	req := &exchange.Exchange{ID: orig.ID, Proto: orig.Proto}
	words := strings.Fields(lines[0])
	if len(words) < 2 || len(words) > 3 || !exchange.IsToken(words[0]) {
		return nil, &parseError{1, fmt.Sprintf("want a request line like \"GET /path?query HTTP/1.1\", got %q", lines[0])}
	}
	if len(words) == 3 && !strings.HasPrefix(words[2], "HTTP/") {
		return nil, &parseError{1, fmt.Sprintf("%q is not an HTTP version like HTTP/1.1", words[2])}
	}
	req.Method, req.Target = words[0], words[1]
	for i, l := range lines[1:] {
		l = strings.TrimRight(l, "\r")
		name, value, ok := strings.Cut(l, ":")
		if !ok || !exchange.IsToken(name) {
			return nil, &parseError{i + 2, fmt.Sprintf("want a header as \"Name: value\" (a blank line ends the headers), got %q", l)}
		}
		req.RequestHeaders = append(req.RequestHeaders, exchange.Header{Name: name, Value: strings.TrimSpace(value)})
	}
	if !bytes.HasSuffix(orig.RequestBody.Data, []byte("\n")) {
		body = bytes.TrimSuffix(body, []byte("\n"))
	}
	req.RequestBody = exchange.Body{Data: body, Size: int64(len(body))}
	return req, nil
}
