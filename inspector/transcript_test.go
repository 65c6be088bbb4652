package inspector

import (
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// pdbTranscript is a request that stopped in pdb: its prompts, the commands
// typed (recorded where pdb read them) and what they printed.
func pdbTranscript() []exchange.Update {
	return begin(1, time.Second, "GET", "/pdb").
		environ(200*time.Microsecond).
		log(1*ms, "stdout", "> /srv/app.py(5)application()\n-> seen.append(\"stepped\")\n").
		event(1*ms, exchange.Event{Kind: exchange.EventInput}).
		log(1100*time.Microsecond, "stdout", "(Pdb) ").
		log(2*time.Second, "stdin", "p seen\n").
		log(2*time.Second+ms, "stdout", "[]\n").
		log(2*time.Second+2*ms, "stdout", "(Pdb) ").
		log(3*time.Second, "stdin", "c\n").
		startResponse(3*time.Second+ms, "200 OK", "", exchange.Header{Name: "Content-Type", Value: "text/plain"}).
		chunk(3*time.Second+2*ms, "stepped").
		done(3*time.Second + 3*ms)
}

// The Log tab shows a pdb session as a terminal would: the commands typed
// between the prompts and what they printed.
func TestViewLogPdbTranscript(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		m := send(newTestModel(w, h, testOptions()), UpdatesMsg(pdbTranscript()))
		checkView(t, press(m, "enter", "5"))
	})
}
