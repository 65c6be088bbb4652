//go:build linux && !wsgidev_portable

package pyrunner

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// template is a warm Python process that has imported the app's library
// modules and forks new children on request (PROTOCOL.md, "The warm
// template"). It reaps its forks and reports their exits over the control
// socket: the forks are its children, not ours, so this is the one place
// that knows when they end.
type template struct {
	cmd   *exec.Cmd
	conn  *net.UnixConn
	key   string   // the interpreter, folder and environment it was built for
	asked []string // the modules it was asked to preload
	tail  *lineTail

	built  chan struct{} // closed once ready or failed
	files  map[string]int64
	bad    *badReport // modules that misbehaved: build again without them
	err    error      // why it is not usable, once built is closed
	exited chan struct{}

	fmu     sync.Mutex // one FORK at a time: its answer is the next "forked"
	replies chan forkReply

	mu      sync.Mutex
	pending *child         // the child the next "forked" names
	forks   map[int]*child // alive, by pid
	retired bool           // stop once the last fork has exited
	dead    bool
}

type badReport struct {
	Bad []string `json:"bad"`
	Why string   `json:"why"`
}

// templateMsg is any message from the template; which fields are set says
// which kind it is.
type templateMsg struct {
	badReport
	Ready  bool             `json:"ready"`
	Files  map[string]int64 `json:"files"` // sent in pieces before ready
	Forked *int             `json:"forked"`
	Error  string           `json:"error"`
	Exit   *int             `json:"exit"`
	Status int              `json:"status"`
}

type forkReply struct {
	pid int
	err error
}

// startTemplate execs exe as a template that preloads modules, except those
// in exclude.
func startTemplate(exe string, cfg *Config, runnerDir, key string, modules, exclude []string) (*template, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("pyrunner: template socket: %w", err)
	}
	ours, theirs := os.NewFile(uintptr(fds[0]), "template"), os.NewFile(uintptr(fds[1]), "template-child")
	defer theirs.Close()
	fc, err := net.FileConn(ours)
	ours.Close()
	if err != nil {
		theirs.Close()
		return nil, fmt.Errorf("pyrunner: template socket: %w", err)
	}
	plan, _ := json.Marshal(map[string][]string{"modules": modules, "exclude": exclude})
	outR, outW, err := os.Pipe()
	if err != nil {
		fc.Close()
		return nil, fmt.Errorf("pyrunner: pipe: %w", err)
	}
	cmd := exec.Command(exe, "-c", bootstrap, runnerDir)
	cmd.Dir = cfg.Dir
	cmd.Env = childEnv(cfg, "WSGIDEV_TEMPLATE=3", "WSGIDEV_PRELOAD="+string(plan))
	cmd.ExtraFiles = []*os.File{theirs}
	cmd.Stdout, cmd.Stderr = outW, outW
	// Killed with us (the control socket's end of file would do too, but
	// the template runs no code of the app's that could delay it): nothing
	// of it needs a lifeline, and its forks have their own.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	err = cmd.Start()
	outW.Close()
	if err != nil {
		fc.Close()
		outR.Close()
		return nil, fmt.Errorf("pyrunner: start template %s: %w", exe, unwrapExec(err))
	}
	t := &template{
		cmd: cmd, conn: fc.(*net.UnixConn), key: key, asked: modules, tail: &lineTail{max: 5},
		built: make(chan struct{}), exited: make(chan struct{}), replies: make(chan forkReply, 1),
		forks: map[int]*child{},
	}
	go t.drain(outR)
	go t.read()
	return t, nil
}

// drain keeps the template's own output for the message should it fail.
func (t *template) drain(r *os.File) {
	defer r.Close()
	buf := make([]byte, 4096)
	var line strings.Builder
	for {
		n, err := r.Read(buf)
		for _, b := range buf[:n] {
			if b == '\n' {
				t.tail.add(line.String())
				line.Reset()
			} else if line.Len() < 500 {
				line.WriteByte(b)
			}
		}
		if err != nil {
			return
		}
	}
}

// read handles the template's messages until it exits, then makes sure
// none of its forks is left running.
func (t *template) read() {
	buf := make([]byte, 4<<20)
	var readErr error
	for {
		n, err := t.conn.Read(buf)
		if err != nil || n == 0 {
			readErr = err
			break
		}
		var m templateMsg
		if err := json.Unmarshal(buf[:n], &m); err != nil {
			readErr = fmt.Errorf("bad message %.80q: %w", buf[:n], err)
			break
		}
		t.handle(m)
	}
	if readErr != nil && !errors.Is(readErr, net.ErrClosed) && !errors.Is(readErr, io.EOF) {
		// It spoke nonsense: it cannot be trusted with forks.
		syscall.Kill(-t.cmd.Process.Pid, syscall.SIGKILL)
	}
	t.cmd.Wait()
	close(t.exited)
	t.mu.Lock()
	t.dead = true
	forks, pending := t.forks, t.pending
	t.forks, t.pending = map[int]*child{}, nil
	t.mu.Unlock()
	_, how := describeWait(t.cmd.ProcessState.Sys().(syscall.WaitStatus))
	for _, c := range forks {
		c.kill() // its group: the fork and what the app started
		c.setExit(-1, "was killed when its warm template "+how)
	}
	if pending != nil {
		t.replies <- forkReply{err: errors.New("the warm template ended")}
	}
	t.finish(fmt.Errorf("the template process %s; its last output: %s", how, t.tail.String()))
}

func (t *template) handle(m templateMsg) {
	switch {
	case m.Files != nil:
		if t.files == nil {
			t.files = map[string]int64{}
		}
		for path, mtime := range m.Files {
			t.files[path] = mtime
		}
	case m.Ready:
		t.finish(nil)
	case len(m.Bad) > 0:
		bad := m.badReport
		t.bad = &bad
		t.finish(errors.New(bad.Why))
	case m.Forked != nil:
		t.mu.Lock()
		c := t.pending
		t.pending = nil
		if *m.Forked > 0 && c != nil {
			c.pidN, c.tree = *m.Forked, tree{pgid: *m.Forked}
			t.forks[c.pidN] = c
		}
		t.mu.Unlock()
		var err error
		if *m.Forked <= 0 {
			err = fmt.Errorf("fork failed: %s", m.Error)
		}
		select {
		case t.replies <- forkReply{pid: *m.Forked, err: err}:
		default: // an answer after fork gave up waiting
		}
	case m.Exit != nil:
		t.mu.Lock()
		c := t.forks[*m.Exit]
		delete(t.forks, *m.Exit)
		last := t.retired && len(t.forks) == 0
		t.mu.Unlock()
		if c != nil {
			c.setExit(describeWait(syscall.WaitStatus(m.Status)))
		}
		if last {
			t.conn.Close()
		}
	}
}

// finish records the outcome of the build, once.
func (t *template) finish(err error) {
	select {
	case <-t.built:
		return
	default:
	}
	t.err = err
	close(t.built)
}

// usable reports whether the template is built and still running.
func (t *template) usable() bool {
	select {
	case <-t.built:
	default:
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err == nil && !t.dead && !t.retired
}

// died reports whether a template that was built has ended since, and how.
func (t *template) died() (bool, error) {
	select {
	case <-t.built:
	default:
		return false, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil || !t.dead || t.retired {
		return false, nil
	}
	_, how := describeWait(t.cmd.ProcessState.Sys().(syscall.WaitStatus))
	return true, fmt.Errorf("the warm template %s", how)
}

// stale names a file the template preloaded that changed since (a pip
// install, a new interpreter), or "".
func (t *template) stale() string {
	for path, mtime := range t.files {
		info, err := os.Stat(path)
		if err != nil || info.ModTime().UnixNano() != mtime {
			return path
		}
	}
	return ""
}

// fork asks the template for a new child running the app in cfg.
func (t *template) fork(cfg *Config) (*child, error) {
	p, err := newPipes()
	if err != nil {
		return nil, err
	}
	c := newChild(cfg, p)
	c.forked = true
	t.fmu.Lock()
	defer t.fmu.Unlock()
	t.mu.Lock()
	if t.dead {
		t.mu.Unlock()
		p.closeChild()
		p.closeOurs()
		return nil, errors.New("the warm template has ended")
	}
	t.pending = c
	t.mu.Unlock()
	msg, _ := json.Marshal(map[string]string{"spec": childSpec(cfg)})
	rights := unix.UnixRights(int(p.outW.Fd()), int(p.errW.Fd()), int(p.pyRead.Fd()), int(p.pyWrite.Fd()), int(p.lifeR.Fd()))
	_, _, err = t.conn.WriteMsgUnix(msg, rights, nil)
	p.closeChild()
	var rep forkReply
	if err != nil {
		rep.err = fmt.Errorf("send FORK: %w", err)
	} else {
		select {
		case rep = <-t.replies:
		case <-time.After(5 * time.Second):
			rep.err = errors.New("the warm template did not answer FORK within 5s")
			syscall.Kill(-t.cmd.Process.Pid, syscall.SIGKILL)
		}
	}
	if rep.err != nil {
		t.mu.Lock()
		t.pending = nil
		t.mu.Unlock()
		p.closeOurs()
		return nil, rep.err
	}
	c.run(p)
	return c, nil
}

// retire stops the template once its last fork has exited: its forks die
// with it.
func (t *template) retire() {
	t.mu.Lock()
	t.retired = true
	idle := len(t.forks) == 0
	t.mu.Unlock()
	if idle {
		t.conn.Close()
	}
}

// stop ends the template now (and with it any fork still running).
func (t *template) stop() {
	t.conn.Close()
	select {
	case <-t.exited:
	case <-time.After(2 * time.Second):
		syscall.Kill(-t.cmd.Process.Pid, syscall.SIGKILL)
		<-t.exited
	}
}

// templateKey is what a template is only good for: the same interpreter,
// folder and environment a cold child would get.
func templateKey(exe string, cfg *Config) string {
	env := childEnv(cfg)
	sort.Strings(env)
	return exe + "\x00" + cfg.Dir + "\x00" + strings.Join(env, "\x00")
}
