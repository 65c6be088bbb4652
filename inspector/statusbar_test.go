package inspector

import (
	"testing"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

func TestStatusBarReloadStates(t *testing.T) {
	c := &common{opts: Options{Watching: "app folder"}}
	s := newStatusBar(c)
	steps := []struct {
		u    exchange.Update
		want reloadKind
	}{
		{exchange.Update{Child: &exchange.ChildState{Kind: "started"}}, reloadStarting},
		{exchange.Update{Child: &exchange.ChildState{Kind: "ready"}}, reloadIdle},
		{exchange.Update{Reload: &exchange.Reload{OK: false, Detail: "Traceback…\nNameError: name 'x' is not defined\n"}}, reloadFailed},
		{exchange.Update{Child: &exchange.ChildState{Kind: "exited", Note: "the child was killed by SIGKILL"}}, reloadExited},
		{exchange.Update{Child: &exchange.ChildState{Kind: "load-error", Note: "ImportError: no module named flask"}}, reloadFailed},
		{exchange.Update{Reload: &exchange.Reload{OK: true, Took: 80 * ms}}, reloadIdle},
	}
	for i, st := range steps {
		s.apply(st.u)
		if s.reload != st.want {
			t.Errorf("step %d: state %d, want %d", i, s.reload, st.want)
		}
	}
	if s.lastReload != "reloaded in 80.0ms" {
		t.Errorf("reload text %q", s.lastReload)
	}
	s.apply(exchange.Update{Reload: &exchange.Reload{OK: false, Detail: "Traceback…\nNameError: name 'x' is not defined\n"}})
	if s.errText != "NameError: name 'x' is not defined" {
		t.Errorf("failed reload says %q, want the exception line", s.errText)
	}
}
