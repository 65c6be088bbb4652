package pyrunner

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
)

// pipes are a new child's pipes: the child's ends and ours. Besides the
// protocol pipes and its stdout and stderr, a child gets the read end of a
// lifeline, whose write end only wsgidev holds and never writes to: the
// child sees its end of file when wsgidev has gone, however it went, and
// exits taking the processes the app started along (PROTOCOL.md, "The
// lifeline").
type pipes struct {
	pyRead, pyWrite, outW, errW, lifeR *os.File // the child's
	toPy, fromPy, outR, errR, lifeW    *os.File // ours
}

func newPipes() (*pipes, error) {
	var p pipes
	var err error
	ends := []*[2]**os.File{{&p.pyRead, &p.toPy}, {&p.fromPy, &p.pyWrite}, {&p.outR, &p.outW}, {&p.errR, &p.errW}, {&p.lifeR, &p.lifeW}}
	for _, e := range ends {
		if *e[0], *e[1], err = os.Pipe(); err != nil {
			p.closeChild()
			p.closeOurs()
			return nil, fmt.Errorf("pyrunner: pipe: %w", err)
		}
	}
	return &p, nil
}

// passed are the child's ends it finds by number (WSGIDEV_FDS or
// WSGIDEV_HANDLES), in the order PROTOCOL.md gives.
func (p *pipes) passed() []*os.File { return []*os.File{p.pyRead, p.pyWrite, p.lifeR} }

func (p *pipes) closeChild() { closeAll(p.pyRead, p.pyWrite, p.outW, p.errW, p.lifeR) }
func (p *pipes) closeOurs()  { closeAll(p.toPy, p.fromPy, p.outR, p.errR, p.lifeW) }

func closeAll(files ...*os.File) {
	for _, f := range files {
		if f != nil {
			f.Close()
		}
	}
}

// childSpec is WSGIDEV_APP: what the child imports and how it runs.
func childSpec(cfg *Config) string {
	spec, _ := json.Marshal(map[string]any{
		"file": cfg.Spec.File, "module": cfg.Spec.Module, "expr": cfg.Spec.Expr,
		"threads": cfg.Threads, "argv": cfg.Argv, "layers": !cfg.NoLayers,
		"django_static": cfg.DjangoStatic, "keep_failures": cfg.KeepFailures, "post_mortem": cfg.PostMortem,
	})
	return string(spec)
}

// childEnv is the environment a child (or a warm template) starts with.
func childEnv(cfg *Config, extra ...string) []string {
	env := append(append(os.Environ(), cfg.Env...), "PYTHONUNBUFFERED=1")
	return append(env, extra...)
}

// startChild execs the interpreter exe with the runner and its pipes, in a
// process tree of its own (process_*.go); it does not wait for the
// handshake.
func startChild(exe string, cfg *Config, runnerDir string) (*child, error) {
	p, err := newPipes()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "-c", bootstrap, runnerDir)
	cmd.Dir = cfg.Dir
	cmd.Env = childEnv(cfg, "WSGIDEV_APP="+childSpec(cfg))
	cmd.Stdout, cmd.Stderr = p.outW, p.errW
	proc, err := startProcess(cmd, p.passed())
	p.closeChild()
	if err != nil {
		p.closeOurs()
		return nil, fmt.Errorf("pyrunner: start %s: %w", exe, unwrapExec(err))
	}
	c := newChild(cfg, p)
	c.pidN, c.tree = cmd.Process.Pid, proc.tree()
	go func() {
		code, note := proc.wait()
		c.setExit(code, note)
	}()
	c.run(p)
	return c, nil
}
