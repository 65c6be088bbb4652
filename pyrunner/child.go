package pyrunner

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// bootstrap runs before anything else in the child. It must parse on any
// Python, even 2.x, so that a too-old interpreter gets our message instead
// of a SyntaxError from the runner.
const bootstrap = `import sys
if sys.version_info < (3, 8):
    sys.stderr.write("wsgidev-too-old %d.%d.%d\n" % tuple(sys.version_info[:3]))
    sys.exit(3)
del sys.path[0]
sys.path.insert(0, sys.argv[1])
import _wsgidev_runner
sys.path.remove(sys.argv[1])
_wsgidev_runner.main()
`

const tooOldExit = 3

// child is one Python process and its protocol pipes. Exactly one goroutine
// waits for its exit (cmd.Wait, or its template's report), one reads frames (readFrames), and one each
// drains stdout and stderr.
type child struct {
	pidN int
	toPy *os.File
	wmu  sync.Mutex

	mu     sync.Mutex
	calls  map[uint32]*Call
	gone   bool   // no more frames will come
	reason string // how the process ended, once gone

	hello    chan Hello // the handshake, once
	loaded   chan struct{}
	info     AppInfo
	loadErr  *LoadError
	exited   chan struct{}
	exitNote string
	exitCode int // -1 when killed by a signal
	exitOnce sync.Once
	tail     *lineTail

	onModules func([]string)
	onLibs    func([]string) // library modules imported while serving
	onOutput  func(Output)
	onInput   func()
	onHint    func(Hint)
	onLoadErr func(*LoadError)
	stopOnce  sync.Once
	retired   atomic.Bool // replaced by a reload: its exit is expected
	forked    bool        // a fork of a warm template, not started by us
}

// pipes are a new child's protocol pipes and output pipes: the child's
// ends (fd 3, fd 4, stdout, stderr) and ours.
type pipes struct {
	pyRead, pyWrite, outW, errW *os.File // the child's
	toPy, fromPy, outR, errR    *os.File // ours
}

func newPipes() (*pipes, error) {
	var p pipes
	var err error
	ends := []*[2]**os.File{{&p.pyRead, &p.toPy}, {&p.fromPy, &p.pyWrite}, {&p.outR, &p.outW}, {&p.errR, &p.errW}}
	for _, e := range ends {
		if *e[0], *e[1], err = os.Pipe(); err != nil {
			p.closeChild()
			p.closeOurs()
			return nil, fmt.Errorf("pyrunner: pipe: %w", err)
		}
	}
	return &p, nil
}

func (p *pipes) childEnds() []*os.File { return []*os.File{p.pyRead, p.pyWrite, p.outW, p.errW} }

func (p *pipes) closeChild() { closeAll(p.pyRead, p.pyWrite, p.outW, p.errW) }
func (p *pipes) closeOurs()  { closeAll(p.toPy, p.fromPy, p.outR, p.errR) }

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
		"threads": cfg.Threads, "argv": cfg.Argv,
	})
	return string(spec)
}

// childEnv is the environment a child (or a warm template) starts with.
func childEnv(cfg *Config, extra ...string) []string {
	env := append(append(os.Environ(), cfg.Env...), "PYTHONUNBUFFERED=1")
	return append(env, extra...)
}

// startChild execs the interpreter exe with the runner and its pipes; it
// does not wait for the handshake.
func startChild(exe string, cfg *Config, runnerDir string) (*child, error) {
	p, err := newPipes()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "-c", bootstrap, runnerDir)
	cmd.Dir = cfg.Dir
	cmd.Env = childEnv(cfg, "WSGIDEV_FDS=3,4", "WSGIDEV_APP="+childSpec(cfg))
	cmd.ExtraFiles = []*os.File{p.pyRead, p.pyWrite}
	cmd.Stdout, cmd.Stderr = p.outW, p.errW
	// Own process group, so stop reaches the app's own children too; and
	// killed along with us, so no python outlives wsgidev.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	err = cmd.Start()
	p.closeChild()
	if err != nil {
		p.closeOurs()
		return nil, fmt.Errorf("pyrunner: start %s: %w", exe, unwrapExec(err))
	}
	c := newChild(cfg, p)
	c.pidN = cmd.Process.Pid
	go func() {
		cmd.Wait()
		c.setExit(cmd.ProcessState.Sys().(syscall.WaitStatus), "")
	}()
	c.run(p)
	return c, nil
}

func newChild(cfg *Config, p *pipes) *child {
	return &child{
		toPy:  p.toPy,
		calls: map[uint32]*Call{}, hello: make(chan Hello, 1),
		loaded: make(chan struct{}), exited: make(chan struct{}),
		tail: &lineTail{max: 20}, onModules: cfg.OnModules, onOutput: cfg.OnOutput, onLibs: cfg.onLibs,
		onInput: cfg.OnInput, onHint: cfg.OnHint, onLoadErr: cfg.onLoadError,
	}
}

// run starts the goroutines that read the child's frames and output.
func (c *child) run(p *pipes) {
	var drained sync.WaitGroup
	drained.Add(2)
	go c.drain(p.outR, StreamStdout, &drained)
	go c.drain(p.errR, StreamStderr, &drained)
	go c.readFrames(p.fromPy, &drained)
}

// setExit records how the process ended: from cmd.Wait for a child we
// started, from its template's report for a warm fork. note, if given,
// replaces the description of ws.
func (c *child) setExit(ws syscall.WaitStatus, note string) {
	c.exitOnce.Do(func() {
		c.exitCode = ws.ExitStatus()
		if note == "" {
			note = describeExit(ws)
		}
		c.exitNote = note
		close(c.exited)
	})
}

func (c *child) pid() int { return c.pidN }

// send writes one frame; errors mean the child is gone, which readFrames
// notices and reports, so they are dropped here.
func (c *child) send(typ byte, id uint32, payload []byte) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if len(payload) > 64<<10 {
		var hdr [frameHeaderLen]byte
		binary.BigEndian.PutUint32(hdr[0:4], uint32(len(payload)))
		hdr[4] = typ
		binary.BigEndian.PutUint32(hdr[5:9], id)
		if _, err := c.toPy.Write(hdr[:]); err == nil {
			c.toPy.Write(payload)
		}
		return
	}
	c.toPy.Write(appendFrame(make([]byte, 0, frameHeaderLen+len(payload)), typ, id, payload))
}

func (c *child) readFrames(r io.Reader, drained *sync.WaitGroup) {
	br := bufio.NewReaderSize(r, 64<<10)
	var protoErr error
	for {
		f, err := readFrame(br)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				protoErr = err
			}
			break
		}
		if err := c.dispatch(f); err != nil {
			protoErr = err
			break
		}
	}
	if protoErr != nil {
		// A child that speaks nonsense cannot be trusted with more calls.
		c.kill()
	}
	<-c.exited
	drained.Wait() // so the last stderr lines are in the tail
	reason := "the Python process " + c.exitNote
	if protoErr != nil {
		reason = fmt.Sprintf("the Python process broke the wsgidev protocol (%v) and was stopped", protoErr)
	}
	c.mu.Lock()
	c.gone, c.reason = true, reason
	calls := c.calls
	c.calls = map[uint32]*Call{}
	c.mu.Unlock()
	for _, call := range calls {
		call.childGone(reason)
	}
	select {
	case <-c.loaded:
	default:
		c.loadErr = &LoadError{Kind: "ChildExit", Message: reason + " before the app was imported", Traceback: c.tail.String()}
		close(c.loaded)
	}
}

func (c *child) dispatch(f frame) error {
	now := time.Now()
	if f.id == 0 {
		return c.dispatchChild(f)
	}
	c.mu.Lock()
	call := c.calls[f.id]
	if f.typ == frameDone {
		delete(c.calls, f.id)
	}
	c.mu.Unlock()
	if call == nil {
		return nil // a call forgotten after cancellation
	}
	return call.receive(f, now)
}

func (c *child) dispatchChild(f frame) error {
	switch f.typ {
	case frameHello:
		var h Hello
		if err := json.Unmarshal(f.payload, &h); err != nil {
			return fmt.Errorf("bad HELLO: %w", err)
		}
		c.hello <- h
	case frameReady:
		if err := json.Unmarshal(f.payload, &c.info); err != nil {
			return fmt.Errorf("bad READY: %w", err)
		}
		close(c.loaded)
		c.reportModules(c.info.Modules)
	case frameLoadError:
		var le LoadError
		if err := json.Unmarshal(f.payload, &le); err != nil {
			return fmt.Errorf("bad LOAD_ERROR: %w", err)
		}
		if c.onLoadErr != nil {
			c.onLoadErr(&le)
		}
		c.loadErr = &le
		close(c.loaded)
		c.reportModules(le.Modules)
	case frameLibs:
		var names []string
		if err := json.Unmarshal(f.payload, &names); err != nil {
			return fmt.Errorf("bad LIBS: %w", err)
		}
		if c.onLibs != nil && len(names) > 0 {
			c.onLibs(names)
		}
	case frameHint:
		var h Hint
		if err := json.Unmarshal(f.payload, &h); err != nil {
			return fmt.Errorf("bad HINT: %w", err)
		}
		if c.onHint != nil {
			c.onHint(h)
		}
	case frameModules:
		var files []string
		if err := json.Unmarshal(f.payload, &files); err != nil {
			return fmt.Errorf("bad MODULES: %w", err)
		}
		c.reportModules(files)
	case frameInput:
		if c.onInput != nil {
			c.onInput()
		} else {
			c.send(frameLine, 0, nil) // nobody can answer: sys.stdin ends
		}
	default:
		return fmt.Errorf("unexpected frame type %d for the child itself", f.typ)
	}
	return nil
}

func (c *child) reportModules(files []string) {
	if c.onModules != nil && len(files) > 0 {
		c.onModules(files)
	}
}

// drain reads one of the child's output pipes line by line.
func (c *child) drain(r *os.File, stream byte, done *sync.WaitGroup) {
	defer done.Done()
	defer r.Close()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if stream == StreamStderr {
			c.tail.add(line)
		}
		if c.onOutput != nil {
			c.onOutput(Output{Stream: stream, Line: line})
		}
	}
}

// register adds a call before its CALL frame goes out, or reports that the
// child is already gone.
func (c *child) register(call *Call) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gone {
		return errors.New(c.reason)
	}
	c.calls[call.id] = call
	return nil
}

// stop asks the child to leave (its protocol pipe closes), then SIGTERM to
// its group after grace, then SIGKILL. Safe to call more than once.
func (c *child) stop(grace time.Duration) {
	c.stopOnce.Do(func() {
		c.wmu.Lock()
		c.toPy.Close()
		c.wmu.Unlock()
		select {
		case <-c.exited:
			return
		case <-time.After(grace):
		}
		syscall.Kill(-c.pid(), syscall.SIGTERM)
		select {
		case <-c.exited:
		case <-time.After(time.Second):
			c.kill()
			<-c.exited
		}
	})
}

// retire stops a child a reload replaced, once its calls in flight have
// finished or grace has run out.
func (c *child) retire(grace time.Duration) {
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		busy := len(c.calls) > 0 && !c.gone
		c.mu.Unlock()
		if !busy {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	c.stop(time.Second)
}

func (c *child) kill() { syscall.Kill(-c.pid(), syscall.SIGKILL) }

func describeExit(ws syscall.WaitStatus) string {
	switch {
	case ws.Signaled():
		sig := ws.Signal()
		return fmt.Sprintf("was killed by signal %s (%s)", unix.SignalName(sig), sig)
	case ws.ExitStatus() == 0:
		return "exited (status 0)"
	default:
		return fmt.Sprintf("exited with status %d", ws.ExitStatus())
	}
}

// lineTail keeps the last lines of the child's stderr, for the message when
// it dies before it could say anything over the protocol.
type lineTail struct {
	mu    sync.Mutex
	max   int
	lines []string
}

func (t *lineTail) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, line)
	if len(t.lines) > t.max {
		t.lines = t.lines[len(t.lines)-t.max:]
	}
}

func (t *lineTail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}
