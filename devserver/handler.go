package devserver

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wsgidev/wsgidev/devserver/capture"
	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/devserver/wsgi"
	"github.com/wsgidev/wsgidev/pyrunner"
)

// ServeHTTP runs one request through the app and records it as an exchange.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := s.begin(r)
	defer s.finish(rec)

	if _, _, ok := wsgi.Mount(s.cfg.ScriptName, r.URL.Path); !ok {
		s.sendPage(w, r, rec, http.StatusNotFound, pageData{
			Title:   "Not under the app's mount point",
			Summary: "The app is mounted at " + s.cfg.ScriptName + " (--script-name), and " + r.URL.Path + " is outside it.",
			Hint:    "Request a path under " + s.cfg.ScriptName + "/, or drop --script-name.",
		}, &exchange.Failure{Kind: exchange.FailNotMounted, Message: "path outside --script-name"})
		return
	}
	env, err := s.environ(r, rec.ex.RequestHeaders)
	if err != nil {
		s.sendPage(w, r, rec, http.StatusBadRequest, pageData{Title: "Bad request", Summary: err.Error()},
			&exchange.Failure{Kind: exchange.FailBadRequest, Message: err.Error()})
		return
	}
	rec.setEnviron(env)
	var st *stepper
	if h := s.debug.catch(r, rec.ex.ID); h != nil {
		st = &stepper{d: s.debug, h: h, rec: rec}
		defer st.finish()
		if st.wait(r.Context(), exchange.HeldBeforeApp, &env) == actAbort {
			if st.gone {
				rec.fail(&exchange.Failure{Kind: exchange.FailCancelled, Message: "the client went away while the request was held in the debugger"})
				return
			}
			s.abortPage(w, r, rec, nil, st)
			return
		}
		st.stepMode = !st.auto
	}
	var body = r.Body
	if r.ContentLength == 0 {
		body = nil
	}
	call, err := s.cfg.Backend.Call(r.Context(), pyrunner.CallRequest{Environ: env, Body: body, Step: st != nil && st.stepMode})
	if err != nil {
		s.callFailed(w, r, rec, err)
		return
	}
	rec.event(exchange.Event{Kind: exchange.EventEnviron})
	s.relay(w, r, rec, call, st)
}

func (s *Server) callFailed(w http.ResponseWriter, r *http.Request, rec *recorder, err error) {
	var le *pyrunner.LoadError
	switch {
	case errors.As(err, &le):
		s.sendPage(w, r, rec, http.StatusInternalServerError, loadErrorPage(le),
			&exchange.Failure{Kind: exchange.FailLoadError, Message: le.Error(), Traceback: le.Traceback})
	case r.Context().Err() != nil:
		rec.fail(&exchange.Failure{Kind: exchange.FailCancelled, Message: "the client went away before the app was ready"})
	default:
		s.sendPage(w, r, rec, http.StatusServiceUnavailable, pageData{
			Title: "The app is not available", Summary: err.Error(),
		}, &exchange.Failure{Kind: exchange.FailUnavailable, Message: err.Error()})
	}
}

// response tracks what has gone to the client for one call.
type response struct {
	w         http.ResponseWriter
	flusher   http.Flusher
	status    string // from the last start_response before the body
	headers   [][2]string
	committed bool // headers written
	clientErr bool // the client went away; keep draining the call
	overLimit bool // the app wrote past its own Content-Length
	declared  int64
}

// relay streams the call's events to the client: headers at the first body
// bytes (so a start_response with exc_info can still replace them), each
// chunk flushed unless more are already waiting. A request held in the
// debugger (st) stops at each gate, and a chunk goes out only once the
// user steps past it.
func (s *Server) relay(w http.ResponseWriter, r *http.Request, rec *recorder, call *pyrunner.Call, st *stepper) {
	resp := &response{w: w, declared: -1}
	resp.flusher, _ = w.(http.Flusher)
	var excInfo string
	readsStdin := false // the app asked for a line of sys.stdin (pdb)
	for {
		ev, _ := call.Next(r.Context())
		switch ev.Kind {
		case pyrunner.EventStart:
			resp.status, resp.headers = ev.Status, ev.Headers
			rec.startResponse(ev, excInfo)
			excInfo = ""
			st.gate(r.Context(), call, exchange.HeldAfterStart)
			st.release(call)
		case pyrunner.EventExcInfo:
			excInfo = ev.Text
		case pyrunner.EventChunk, pyrunner.EventWrite:
			rec.chunk(ev, s.cfg.BodyCap)
			if st.chunkGate(r.Context(), call) {
				resp.write(ev.Data, call)
				if !call.Buffered() || st != nil {
					resp.flush()
				}
			}
			st.release(call)
		case pyrunner.EventLog:
			rec.log(ev)
		case pyrunner.EventLint:
			rec.lint(ev.Rule, ev.Text)
		case pyrunner.EventInput:
			readsStdin = true
			s.stdin.add(rec.ex.ID, call)
			rec.event(exchange.Event{Kind: exchange.EventInput})
		case pyrunner.EventDone:
			if readsStdin { // most calls never do: no lock on their way out
				s.stdin.forget(rec.ex.ID)
			}
			if st != nil && st.aborted != "" {
				rec.event(exchange.Event{Kind: exchange.EventClose})
				s.abortPage(w, r, rec, resp, st)
				return
			}
			s.done(w, r, rec, resp, ev)
			return
		}
	}
}

func (resp *response) commit() {
	if resp.committed {
		return
	}
	resp.committed = true
	h := resp.w.Header()
	for _, kv := range resp.headers {
		h.Add(kv[0], kv[1])
	}
	if _, ok := h["Content-Type"]; !ok {
		h["Content-Type"] = nil // the app chose none: no sniffing
	}
	if cl := h.Get("Content-Length"); cl != "" {
		resp.declared, _ = strconv.ParseInt(cl, 10, 64)
	} else {
		// A body of unknown length goes out in chunks, as gunicorn sends it;
		// left alone, net/http would invent a Content-Length for a short body
		// that ended before the first flush. It drops the header itself
		// where no body is allowed and for HTTP/1.0.
		h.Set("Transfer-Encoding", "chunked")
	}
	resp.w.WriteHeader(statusCode(resp.status))
}

func (resp *response) write(p []byte, call *pyrunner.Call) {
	resp.commit()
	if resp.clientErr || resp.overLimit {
		return
	}
	_, err := resp.w.Write(p)
	switch {
	case err == nil, errors.Is(err, http.ErrBodyNotAllowed): // HEAD, 204, 304: bodies are dropped
	case errors.Is(err, http.ErrContentLength):
		resp.overLimit = true
	default:
		resp.clientErr = true
		call.Cancel()
	}
}

func (resp *response) flush() {
	if resp.flusher != nil && !resp.clientErr {
		resp.flusher.Flush()
	}
}

// done ends the exchange: a clean end, an error page while nothing was sent
// yet, or a cut connection when the body had started (no fake success).
func (s *Server) done(w http.ResponseWriter, r *http.Request, rec *recorder, resp *response, ev pyrunner.Event) {
	f := ev.Failure
	rec.event(exchange.Event{Kind: exchange.EventClose})
	if f == nil && resp.status != "" {
		resp.commit()
		rec.checkLength(resp)
		if resp.overLimit {
			panic(http.ErrAbortHandler) // the client was promised fewer bytes
		}
		return
	}
	if f == nil { // defensive: the runner reports a missing start_response itself
		f = &pyrunner.Failure{Kind: pyrunner.FailWSGI, Rule: "start-response-missing", Message: "the app never called start_response()"}
	}
	failure := exchangeFailure(f)
	switch {
	case f.Kind == pyrunner.FailCancelled || resp.clientErr:
		rec.fail(failure)
	case resp.committed:
		failure.Cut = true
		rec.fail(failure)
		// What the app produced before it failed still goes out, then the
		// cut: net/http closes the connection without a clean end.
		resp.flush()
		panic(http.ErrAbortHandler)
	case f.Kind == pyrunner.FailChildExit:
		s.sendPage(w, r, rec, http.StatusBadGateway, pageData{
			Title:   "The Python process died",
			Summary: strings.ToUpper(f.Message[:1]) + f.Message[1:] + " while handling this request.",
			Hint:    "A new process has been started; the next request goes to it. Look at the app's output for what happened (a crash in a C extension, os._exit, the OOM killer).",
		}, failure)
	default:
		s.sendPage(w, r, rec, http.StatusInternalServerError, failurePage(f), failure)
	}
}

// sendPage answers with one of wsgidev's own pages and records it.
func (s *Server) sendPage(w http.ResponseWriter, r *http.Request, rec *recorder, code int, d pageData, f *exchange.Failure) {
	d.Status = strconv.Itoa(code) + " " + http.StatusText(code)
	d.Method, d.Path = r.Method, r.URL.RequestURI()
	d.Headers, d.Environ = rec.ex.RequestHeaders, rec.ex.Environ
	body, contentType := s.pages.render(d, wantsHTML(r))
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-store")
	if f != nil {
		h.Set(capture.FailureHeader, failureHeader(f))
	}
	w.WriteHeader(code)
	w.Write(body)
	rec.page(code, h, body, s.cfg.BodyCap)
	if f != nil {
		rec.fail(f)
	}
}

func wantsHTML(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

// since is a monotonic offset for events.
func since(start time.Time, at time.Time) time.Duration {
	if at.IsZero() {
		return time.Since(start)
	}
	return at.Sub(start)
}
