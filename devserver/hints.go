package devserver

import "github.com/wsgidev/wsgidev/pyrunner"

// hint says each kind of pyrunner.Hint once a session, as a notice: it is
// advice about the app's setup, not news about one request.
func (s *Session) hint(h pyrunner.Hint) {
	text := hintText(h)
	if _, said := s.hinted.LoadOrStore(h.Kind, true); text == "" || said {
		return
	}
	s.notice(text)
}

// hintText is what a hint tells the user, or "" for a kind this wsgidev
// does not know. What the app gave is in it as it came: the log prints
// notices through Printable, the inspector sanitizes them.
func hintText(h pyrunner.Hint) string {
	switch h.Kind {
	case pyrunner.HintFlaskSwallowed:
		return "Flask answered " + h.Request + " with its own " + h.Status +
			" page and kept the exception (" + h.Exception + ") from wsgidev, so there is no traceback page; " +
			"the app's log has it. For wsgidev's page with the traceback and each frame's locals: " +
			`--env FLASK_DEBUG=1, or app.config["PROPAGATE_EXCEPTIONS"] = True (said once)`
	}
	return ""
}
