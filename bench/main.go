//go:build linux

// Command bench measures wsgidev against the servers people use for Python
// WSGI apps in development — gunicorn, wsgiref and werkzeug — on the same
// apps in the same run, and checks the targets of issues 2, 3 and 4. From
// the repository root:
//
//	go run ./bench                          # everything, about seven minutes
//	go run ./bench -only stream,memory      # some parts
//	go run ./bench -only reload -save rename
//	go run ./bench -d 10s -runs 3           # longer runs, median of three
//
// It runs on Linux: its peers, process groups and /proc are Linux's. It
// needs wrk and tmux, and gunicorn, Flask and werkzeug importable from
// -python (watchdog, hupper and Django for some of the reload peers).
// Logs and wrk's raw output go to bench/out/. See bench/README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

var (
	defaultParts = []string{"throughput", "layers", "stream", "memory", "reload", "tui", "postmortem"}
	partNames    = append(defaultParts[:len(defaultParts):len(defaultParts)], "versus") // versus only when asked for
)

type config struct {
	parts      map[string]bool
	duration   time.Duration // each measured wrk run
	warmup     time.Duration // an unmeasured wrk run before each
	conns      []int
	wrkThreads int
	runs       int
	mib        int64  // size of the memory part's upload and download
	trials     int    // edits per server and app in the reload part
	save       string // how the reload part saves: "write" in place or "rename"
	python     string
	out        string
	bin        string   // a wsgidev binary to use instead of building one
	servers    []string // the servers the throughput and stream parts run; all when empty
	capture    bool     // wsgidev writes a capture file (--capture) while it is measured
	versusBin  string   // the versus part: the other wsgidev binary
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err = run(ctx, cfg)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	only := fs.String("only", strings.Join(defaultParts, ","), "parts to run, comma-separated: "+strings.Join(partNames, ", "))
	conns := fs.String("conns", "8,64", "wrk connection counts, comma-separated")
	cfg := config{}
	fs.DurationVar(&cfg.duration, "d", 5*time.Second, "duration of each measured wrk run")
	fs.DurationVar(&cfg.warmup, "warmup", time.Second, "unmeasured wrk run before each measured one (0 for none)")
	fs.IntVar(&cfg.wrkThreads, "threads", 2, "wrk threads")
	fs.IntVar(&cfg.runs, "runs", 1, "measured runs per cell; the table shows the run with the median req/s")
	fs.Int64Var(&cfg.mib, "mib", 1024, "MiB uploaded and downloaded in the memory part")
	fs.IntVar(&cfg.trials, "trials", 10, "edits per server and app in the reload part")
	fs.StringVar(&cfg.save, "save", "write", "how the reload part saves the app: write (in place) or rename (a new file renamed over it)")
	fs.StringVar(&cfg.python, "python", "/usr/bin/python3", "interpreter for every server (gunicorn, Flask, werkzeug importable)")
	fs.StringVar(&cfg.bin, "bin", "", "use this wsgidev binary instead of building the working tree")
	fs.StringVar(&cfg.out, "out", "bench/out", "folder for the wsgidev binary, server logs and wrk output (relative to the repository root)")
	servers := fs.String("servers", "", "only these servers in the throughput and stream parts, comma-separated: "+strings.Join(serverWords(), ", "))
	fs.StringVar(&cfg.versusBin, "versus", "", "the versus part (not run unless named in -only): this wsgidev against the binary `FILE`, measured in turn")
	fs.BoolVar(&cfg.capture, "capture", false, "serve wsgidev with --capture (a file in -out), to measure what recording every request costs")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if *servers != "" {
		for _, name := range strings.Split(*servers, ",") {
			if !contains(serverWords(), name) {
				return cfg, fmt.Errorf("-servers: unknown server %q; the servers are %s", name, strings.Join(serverWords(), ", "))
			}
			cfg.servers = append(cfg.servers, name)
		}
	}
	cfg.parts = map[string]bool{}
	for _, p := range strings.Split(*only, ",") {
		if !contains(partNames, p) {
			return cfg, fmt.Errorf("-only: unknown part %q; the parts are %s", p, strings.Join(partNames, ", "))
		}
		cfg.parts[p] = true
	}
	for _, c := range strings.Split(*conns, ",") {
		n, err := strconv.Atoi(c)
		if err != nil || n < 1 {
			return cfg, fmt.Errorf("-conns: %q is not a connection count", c)
		}
		cfg.conns = append(cfg.conns, n)
	}
	if cfg.runs < 1 || cfg.wrkThreads < 1 || cfg.mib < 1 || cfg.trials < 1 || cfg.duration < time.Second {
		return cfg, fmt.Errorf("-runs, -threads, -mib and -trials must be at least 1, -d at least 1s")
	}
	bin, err := versusBin(cfg)
	if err != nil {
		return cfg, err
	}
	cfg.versusBin = bin
	if cfg.save != "write" && cfg.save != "rename" {
		return cfg, fmt.Errorf("-save: %q is neither write nor rename", cfg.save)
	}
	return cfg, nil
}

// versusBin is -versus made absolute (servers start in bench/apps); the
// versus part cannot run without it.
func versusBin(cfg config) (string, error) {
	if cfg.versusBin == "" {
		if cfg.parts["versus"] {
			return "", fmt.Errorf("-only versus needs -versus FILE, the wsgidev binary to compare this one with")
		}
		return "", nil
	}
	abs, err := filepath.Abs(cfg.versusBin)
	if err != nil {
		return "", fmt.Errorf("-versus: %w", err)
	}
	return abs, nil
}

func run(ctx context.Context, cfg config) error {
	b, err := setup(ctx, cfg)
	if err != nil {
		return err
	}
	defer b.stopAll()
	b.printHeader()
	parts := map[string]func(context.Context) error{
		"throughput": b.throughput,
		"layers":     b.layers,
		"stream":     b.stream,
		"memory":     b.memory,
		"reload":     b.reload,
		"tui":        b.tui,
		"postmortem": b.postmortem,
		"versus":     b.versus,
	}
	start := time.Now()
	for _, name := range partNames {
		if !cfg.parts[name] {
			continue
		}
		if err := parts[name](ctx); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	b.printChecks()
	fmt.Printf("\nbench took %s, load average now %s; logs and wrk output in %s\n",
		time.Since(start).Round(time.Second), loadAvg(), b.out)
	return nil
}

// bench holds what every part shares: the built binary, the folders, the
// processes started so far and the target checks collected on the way.
type bench struct {
	config
	root    string // repository root
	apps    string // bench/apps
	binNote string // where the wsgidev binary comes from
	procs   []*proc
	checks  []check
}

func setup(ctx context.Context, cfg config) (*bench, error) {
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(gomod)) == "" {
		return nil, fmt.Errorf("run the bench from inside the wsgidev repository (go env GOMOD: %v)", err)
	}
	b := &bench{config: cfg, root: filepath.Dir(strings.TrimSpace(string(gomod)))}
	b.apps = filepath.Join(b.root, "bench", "apps")
	if !filepath.IsAbs(b.out) {
		b.out = filepath.Join(b.root, b.out)
	}
	if err := os.MkdirAll(b.out, 0o755); err != nil {
		return nil, err
	}
	tools := []string{"wrk", cfg.python}
	if cfg.parts["tui"] {
		tools = append(tools, "tmux")
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("%s is needed: %w", tool, err)
		}
	}
	if b.bin != "" {
		b.binNote = "given with -bin"
		b.bin, err = filepath.Abs(b.bin)
		return b, err
	}
	b.binNote = "built from the working tree at " + firstLine("git", "-C", b.root, "describe", "--always", "--dirty")
	b.bin = filepath.Join(b.out, "wsgidev")
	logf("building %s", b.bin)
	build := exec.CommandContext(ctx, "go", "build", "-o", b.bin, ".")
	build.Dir = b.root
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %w\n%s", err, out)
	}
	return b, nil
}

func (b *bench) printHeader() {
	fmt.Printf("wsgidev bench  %s\n", time.Now().Format("2006-01-02 15:04"))
	fmt.Printf("  wsgidev  %s (%s)\n", b.bin, b.binNote)
	fmt.Printf("  machine  %d cores, load average %s\n", numCPU(), loadAvg())
	fmt.Printf("  tools    %s · %s · %s\n", firstLine("go", "version"), firstLine(b.python, "--version"), firstLine("wrk", "--version"))
	fmt.Printf("  peers    gunicorn %s · werkzeug %s · flask %s\n",
		pyVersion(b.python, "gunicorn"), pyVersion(b.python, "werkzeug"), pyVersion(b.python, "flask"))
	if b.capture {
		fmt.Printf("  capture  wsgidev serves with --capture %s\n", filepath.Join(b.out, "capture.<app>.jsonl"))
	}
	if b.parts["reload"] {
		fmt.Printf("  reload   watchdog %s · hupper %s · django %s\n",
			pyVersion(b.python, "watchdog"), pyVersion(b.python, "hupper"), pyVersion(b.python, "django"))
	}
	if b.parts["tui"] {
		fmt.Printf("  tmux     %s\n", firstLine("tmux", "-V"))
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
