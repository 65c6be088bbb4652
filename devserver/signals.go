package devserver

import (
	"fmt"
	"os"
	"strings"
)

// sessionAction is what a signal, a console command or a key asks of a session.
type sessionAction int

const (
	doNothing sessionAction = iota
	doStop                  // stop serving: requests in flight finish, then the child stops; again: at once
	doReload                // restart the app (after any held request is released)
	doRelease               // continue every request held in the debugger
	doHelp                  // list the console's commands
)

// signalRule is what one signal does, headless and with the inspector.
// The rules of each platform are in signals_<os>.go.
type signalRule struct {
	sig       os.Signal
	name      string // as users write it: SIGHUP
	headless  sessionAction
	inspector sessionAction
}

// signalAction is what sig does in a session with or without the
// inspector; doNothing for a signal the table does not name.
func signalAction(sig os.Signal, inspector bool) (sessionAction, string) {
	for _, r := range signalRules {
		if r.sig == sig {
			if inspector {
				return r.inspector, r.name
			}
			return r.headless, r.name
		}
	}
	return doNothing, ""
}

// handledSignals are the signals a session asks the OS for.
func handledSignals() []os.Signal {
	sigs := make([]os.Signal, len(signalRules))
	for i, r := range signalRules {
		sigs[i] = r.sig
	}
	return sigs
}

// signalsFor names the signals that ask for act.
func signalsFor(act sessionAction, inspector bool) []string {
	var names []string
	for _, r := range signalRules {
		if a, _ := signalAction(r.sig, inspector); a == act {
			names = append(names, r.name)
		}
	}
	return names
}

// ReloadHint says how a user reloads by hand in this session, for the
// banner: the inspector's R, else the reload signal and the console's r
// this platform has ("SIGHUP or type r⏎ reloads"); "" when there is none.
func (s *Session) ReloadHint() string {
	if s.cfg.Inspector {
		return "R reloads"
	}
	ways := signalsFor(doReload, false)
	if s.hasConsole() {
		if len(ways) == 0 {
			return "type r⏎ to reload"
		}
		ways = append(ways, "type r⏎")
	}
	if len(ways) == 0 {
		return ""
	}
	return strings.Join(ways, " or ") + " reloads"
}

// releaseHint says what releases every held request headless, as a
// phrase ("`kill -USR1 4242` or type c⏎"); "" when nothing but the
// requests' clients giving up does.
func (s *Session) releaseHint() string {
	var ways []string
	for _, name := range signalsFor(doRelease, false) {
		ways = append(ways, fmt.Sprintf("`kill -%s %d`", strings.TrimPrefix(name, "SIG"), os.Getpid()))
	}
	if s.hasConsole() {
		ways = append(ways, "type c⏎")
	}
	return strings.Join(ways, " or ")
}

// HeldHint says, for the banner, what becomes of requests a breakpoint
// holds in this session: with the inspector they are stepped there;
// headless they only wait, until what releases them.
func (s *Session) HeldHint() string {
	if s.cfg.Inspector {
		return ""
	}
	how := s.releaseHint()
	if how == "" {
		return "without the inspector held requests only wait, until their clients give up"
	}
	return "without the inspector held requests only wait: " + how + " releases them (they run to the end)"
}
