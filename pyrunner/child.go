package pyrunner

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
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
	pidN     int
	tree     tree     // the process and what the app started: stop and kill reach them all
	lifeline *os.File // our end of its lifeline, closed once it is reaped
	toPy     *os.File
	wmu      sync.Mutex

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
	queue     *threadQueue // calls waiting for a thread in the child
	stopOnce  sync.Once
	retired   atomic.Bool // replaced by a reload: its exit is expected
	forked    bool        // a fork of a warm template, not started by us
}

func newChild(cfg *Config, p *pipes) *child {
	return &child{
		toPy: p.toPy, lifeline: p.lifeW,
		calls: map[uint32]*Call{}, hello: make(chan Hello, 1),
		loaded: make(chan struct{}), exited: make(chan struct{}),
		tail: &lineTail{max: 20}, onModules: cfg.OnModules, onOutput: cfg.OnOutput, onLibs: cfg.onLibs,
		onInput: cfg.OnInput, onHint: cfg.OnHint, onLoadErr: cfg.onLoadError,
		queue: newThreadQueue(cfg.Threads, cfg.OnNotice),
	}
}

// run starts the goroutines that read the child's frames and output.
func (c *child) run(p *pipes) {
	var drained sync.WaitGroup
	drained.Add(2)
	go c.drain(p.outR, StreamStdout, &drained)
	go c.drain(p.errR, StreamStderr, &drained)
	go func() {
		c.readFrames(p.fromPy, &drained)
		p.fromPy.Close() // now, not whenever the garbage collector finds it
	}()
}

// setExit records how the process ended, once it is reaped: from our wait
// for a child we started, from its template's report for a warm fork. code
// is its exit status, -1 when a signal ended it; note says how it ended.
func (c *child) setExit(code int, note string) {
	c.exitOnce.Do(func() {
		c.exitCode, c.exitNote = code, note
		c.lifeline.Close()
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

// drain reads one of the child's output pipes line by line, to its end.
func (c *child) drain(r *os.File, stream byte, done *sync.WaitGroup) {
	defer done.Done()
	defer r.Close()
	lines := newLineReader(r)
	for {
		line, err := lines.next()
		if err != nil {
			return
		}
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

// stop asks the child to leave (its protocol pipe closes), then after grace
// asks its tree to terminate (SIGTERM to its group on Unix), then kills it.
// The app's own processes die once the child has exited, in any case
// (process_*.go). Safe to call more than once.
func (c *child) stop(grace time.Duration) {
	c.stopOnce.Do(func() {
		c.wmu.Lock()
		// STOP first: an end of file without it means that wsgidev died,
		// and the child then takes the app's processes along at once
		// (PROTOCOL.md); after STOP it ends as Python does, atexit and all.
		c.toPy.Write(appendFrame(make([]byte, 0, frameHeaderLen), frameStop, 0, nil))
		c.toPy.Close()
		c.wmu.Unlock()
		select {
		case <-c.exited:
			return
		case <-time.After(grace):
		}
		c.tree.terminate()
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

func (c *child) kill() { c.tree.kill() }

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
