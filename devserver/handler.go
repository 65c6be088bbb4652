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
	resp := newResponse(w, r)
	defer s.finish(rec, resp)
	if s.refuse(r, rec, resp) {
		return
	}
	dropFragment(r)
	if s.serveStatic(r, rec, resp) {
		return
	}
	if _, _, ok := wsgi.Mount(s.cfg.ScriptName, r.URL.Path); !ok {
		s.sendPage(r, rec, resp, http.StatusNotFound, pageData{
			Title:   "Not under the app's mount point",
			Summary: "The app is mounted at " + s.cfg.ScriptName + " (--script-name), and " + r.URL.Path + " is outside it.",
			Hint:    "Request a path under " + s.cfg.ScriptName + "/, or drop --script-name.",
		}, &exchange.Failure{Kind: exchange.FailNotMounted, Message: "path outside --script-name"})
		return
	}
	env, err := s.environ(r, rec.ex.RequestHeaders)
	if err != nil {
		s.sendPage(r, rec, resp, http.StatusBadRequest, pageData{Title: "Bad request", Summary: err.Error()},
			&exchange.Failure{Kind: exchange.FailBadRequest, Message: err.Error()})
		return
	}
	rec.setEnviron(env)
	var st *stepper
	if h := s.debug.catch(rec.ex); h != nil {
		st = &stepper{d: s.debug, h: h, rec: rec}
		defer st.finish()
		body := holdBody(r, rec)
		defer body.close()
		waited := st.wait(body.ctx, exchange.HeldBeforeApp, &env)
		body.release()
		if waited == actAbort {
			if st.gone {
				rec.fail(&exchange.Failure{Kind: exchange.FailCancelled, Message: "the client went away while the request was held in the debugger"})
				return
			}
			s.abortPage(r, rec, resp, st)
			return
		}
		st.stepMode = !st.auto
	}
	var body = r.Body
	if r.ContentLength == 0 {
		body = nil
	}
	layers := s.recordsLayers(rec.ex, st)
	call, err := s.cfg.Backend.Call(r.Context(), pyrunner.CallRequest{Environ: env, Body: body, Step: st != nil && st.stepMode, Layers: layers})
	if err != nil {
		s.callFailed(r, rec, resp, err)
		return
	}
	rec.event(exchange.Event{Kind: exchange.EventEnviron})
	rec.ex.LayersSkipped = !layers && call.Layered()
	s.relay(r, rec, resp, call, st)
}

func (s *Server) callFailed(r *http.Request, rec *recorder, resp *response, err error) {
	var le *pyrunner.LoadError
	switch {
	case errors.As(err, &le):
		s.sendPage(r, rec, resp, http.StatusInternalServerError, loadErrorPage(le),
			&exchange.Failure{Kind: exchange.FailLoadError, Message: le.Error(), Traceback: le.Traceback})
	case r.Context().Err() != nil:
		rec.fail(&exchange.Failure{Kind: exchange.FailCancelled, Message: "the client went away before the app was ready"})
	default:
		s.sendPage(r, rec, resp, http.StatusServiceUnavailable, pageData{
			Title: "The app is not available", Summary: err.Error(),
		}, &exchange.Failure{Kind: exchange.FailUnavailable, Message: err.Error()})
	}
}

// relay streams the call's events to the client: headers at the first body
// bytes (so a start_response with exc_info can still replace them), each
// chunk flushed unless more are already waiting. A request held in the
// debugger (st) stops at each gate, and a chunk goes out only once the
// user steps past it.
func (s *Server) relay(r *http.Request, rec *recorder, resp *response, call *pyrunner.Call, st *stepper) {
	var excInfo string
	readsStdin := false // the app asked for a line of sys.stdin (pdb)
	for {
		ev, _ := call.Next(r.Context())
		if ev.Result != nil {
			rec.returned(ev.Result)
		}
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
			if bodyOK(r, rec, resp, call) && st.chunkGate(r.Context(), call) {
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
		case pyrunner.EventWait:
			rec.waitThread(ev)
		case pyrunner.EventRun:
			rec.gotThread(ev)
		case pyrunner.EventInput:
			readsStdin = true
			s.stdin.add(rec.ex.ID, call)
			rec.event(exchange.Event{Kind: exchange.EventInput})
		case pyrunner.EventDone:
			if readsStdin { // most calls never do: no lock on their way out
				s.stdin.forget(rec.ex.ID)
			}
			if rec.tap != nil {
				rec.tap.notRead(call.InputLeft())
			}
			rec.layers(ev.Layers)
			s.failed.remember(rec.ex.ID, call, ev.Failure, resp.status)
			if st != nil && st.aborted != "" {
				rec.event(exchange.Event{Kind: exchange.EventClose})
				s.abortPage(r, rec, resp, st)
				return
			}
			s.done(r, rec, resp, ev)
			return
		}
	}
}

// bodyOK settles the request body before the response head goes out (see
// recorder.settleBody); a malformed one cancels the call, and the client
// gets a 400 when it is done.
func bodyOK(r *http.Request, rec *recorder, resp *response, call *pyrunner.Call) bool {
	if resp.committed {
		return true
	}
	if rec.settleBody(r, resp) != nil {
		call.Cancel()
		return false
	}
	return true
}

// done ends the exchange: a clean end, an error page while nothing was sent
// yet, or a cut connection when the body had started (no fake success).
func (s *Server) done(r *http.Request, rec *recorder, resp *response, ev pyrunner.Event) {
	f := ev.Failure
	if f == nil || !(f.NoIterable || f.Kind == pyrunner.FailChildExit) {
		rec.event(exchange.Event{Kind: exchange.EventClose})
	}
	var badBody error
	if !resp.committed {
		if badBody = rec.settleBody(r, resp); badBody != nil {
			s.badBodyPage(r, rec, resp, badBody)
			return
		}
	} else if rec.tap != nil {
		badBody = rec.tap.malformed() // the app read it after its response began
	}
	if f == nil && resp.status != "" {
		resp.commit()
		rec.checkLength(resp)
		if resp.overLimit {
			resp.cutConnection() // the client was promised fewer bytes
		}
		return
	}
	if f == nil { // defensive: the runner reports a missing start_response itself
		f = &pyrunner.Failure{Kind: pyrunner.FailWSGI, Rule: "start-response-missing", Message: "the app never called start_response()"}
	}
	failure := exchangeFailure(f)
	switch {
	case resp.clientErr || (f.Kind == pyrunner.FailCancelled && badBody == nil):
		rec.fail(failure)
	case resp.committed:
		if badBody != nil {
			failure = badBodyFailure(badBody)
		}
		failure.Cut = true
		rec.fail(failure)
		// What the app produced before it failed still goes out, then the
		// cut: net/http closes the connection without a clean end.
		resp.cutConnection()
	case f.Kind == pyrunner.FailChildExit:
		s.sendPage(r, rec, resp, http.StatusBadGateway, pageData{
			Title:   "The Python process died",
			Summary: strings.ToUpper(f.Message[:1]) + f.Message[1:] + " while handling this request.",
			Hint:    "A new process has been started; the next request goes to it. Look at the app's output for what happened (a crash in a C extension, os._exit, the OOM killer).",
		}, failure)
	default:
		s.sendPage(r, rec, resp, http.StatusInternalServerError, failurePage(f), failure)
	}
}

// sendPage answers with one of wsgidev's own pages and records it.
func (s *Server) sendPage(r *http.Request, rec *recorder, resp *response, code int, d pageData, f *exchange.Failure) {
	d.Status = strconv.Itoa(code) + " " + http.StatusText(code)
	d.Method, d.Path = r.Method, r.URL.RequestURI()
	d.Headers, d.Environ = rec.ex.RequestHeaders, rec.ex.Environ
	body, contentType := s.pages.render(d, wantsHTML(r))
	if f != nil {
		resp.w.Header().Set(capture.FailureHeader, failureHeader(f))
	}
	resp.page(code, contentType, body)
	rec.page(code, resp.w.Header(), body, s.cfg.BodyCap)
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
