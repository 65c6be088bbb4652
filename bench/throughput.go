//go:build linux

package main

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// wrkResult is what the bench reads from wrk's --latency output.
type wrkResult struct {
	rps      float64
	p50, p99 time.Duration
	requests int
	errors   int    // socket errors plus non-2xx/3xx responses
	failed   string // why there is no figure, when wrk failed

	warmupRequests int // completed in the warm-up run before the measured one

	// CPU the server used during the measured run: its own process, and
	// its children (wsgidev's Python, gunicorn's workers).
	cpuSelf, cpuKids time.Duration
}

type cell struct {
	server string
	conns  int
}

// throughput runs wrk against every server on the hello and Flask apps.
func (b *bench) throughput(ctx context.Context) error {
	for _, a := range []app{helloApp, flaskApp} {
		results, err := b.throughputApp(ctx, a)
		b.stopAll()
		if err != nil {
			return err
		}
		b.printThroughput(a, results)
		b.throughputChecks(a, results)
	}
	return nil
}

func (b *bench) throughputApp(ctx context.Context, a app) (map[cell]wrkResult, error) {
	runs, err := b.inTurn(ctx, a, b.servers()...)
	if err != nil {
		return nil, err
	}
	median := map[cell]wrkResult{}
	for c, rs := range runs {
		median[c] = medianRun(rs)
	}
	return median, nil
}

// inTurn serves a with each of the servers at once and runs wrk on them in
// turn, every connection count in every run, so that the machine's load
// drifts over them alike; the results are by server and connections.
func (b *bench) inTurn(ctx context.Context, a app, servers ...server) (map[cell][]wrkResult, error) {
	defer b.stopAll()
	procs := map[string]*proc{}
	for _, s := range servers {
		logf("starting %s on %s", s.name, a.name)
		p, err := b.start(ctx, s, a)
		if err != nil {
			return nil, err
		}
		procs[s.name] = p
	}
	runs := map[cell][]wrkResult{}
	for run := 1; run <= b.runs; run++ {
		for _, conns := range b.conns {
			for _, s := range servers {
				logf("wrk %s %s, %d conns, run %d/%d", a.name, s.name, conns, run, b.runs)
				file := fmt.Sprintf("wrk.%s.%s.c%d.run%d.txt", a.name, strings.NewReplacer(" ", "", "/", "_").Replace(s.name), conns, run)
				r, err := b.wrk(ctx, procs[s.name], conns, file)
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				if err != nil {
					r.failed = "wrk failed, " + probe(procs[s.name].url)
					logf("%s on %s, %d conns: %s: %v", s.name, a.name, conns, r.failed, err)
				}
				runs[cell{s.name, conns}] = append(runs[cell{s.name, conns}], r)
			}
		}
	}
	return runs, nil
}

// medianRun picks the run with the median req/s among those that did not
// fail (the upper one of an even count).
func medianRun(rs []wrkResult) wrkResult {
	var ok []wrkResult
	for _, r := range rs {
		if r.failed == "" {
			ok = append(ok, r)
		}
	}
	if len(ok) == 0 {
		return rs[0]
	}
	sort.Slice(ok, func(i, j int) bool { return ok[i].rps < ok[j].rps })
	return ok[len(ok)/2]
}

// probe says whether a server still answers after wrk failed against it.
func probe(url string) string {
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return "and the server no longer answers within 2s"
	}
	resp.Body.Close()
	return "though the server still answers"
}

// wrk warms up, then measures, keeping wrk's own output in file.
func (b *bench) wrk(ctx context.Context, p *proc, conns int, file string) (wrkResult, error) {
	return b.wrkAt(ctx, p.url, p.pid(), conns, file)
}

// wrkAt runs wrk against url, counting the CPU time of pid and its
// descendants during the measured run.
func (b *bench) wrkAt(ctx context.Context, url string, pid, conns int, file string) (wrkResult, error) {
	threads := min(b.wrkThreads, conns)
	run := func(d time.Duration) (string, error) {
		args := []string{"-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns), "-d", d.String(), "--latency", url}
		ctx, cancel := context.WithTimeout(ctx, d+20*time.Second)
		defer cancel()
		out, err := commandOutput(ctx, "wrk", args...)
		if err != nil {
			return "", fmt.Errorf("wrk %s: %w\n%s", strings.Join(args, " "), err, out)
		}
		return out, nil
	}
	warmups := 0
	if b.warmup > 0 {
		out, err := run(b.warmup)
		if err != nil {
			return wrkResult{}, err
		}
		w, _ := parseWrk(out)
		warmups = w.requests
	}
	kids := descendants(pid)
	self0, kids0 := cpuTime(pid), cpuTime(kids...)
	out, err := run(b.duration)
	if err != nil {
		return wrkResult{}, err
	}
	self1, kids1 := cpuTime(pid), cpuTime(kids...)
	if err := os.WriteFile(filepath.Join(b.out, file), []byte(out), 0o644); err != nil {
		return wrkResult{}, err
	}
	r, err := parseWrk(out)
	r.cpuSelf, r.cpuKids = self1-self0, kids1-kids0
	r.warmupRequests = warmups
	return r, err
}

var (
	wrkRPS       = regexp.MustCompile(`(?m)^Requests/sec:\s+([\d.]+)`)
	wrkRequests  = regexp.MustCompile(`(\d+) requests in `)
	wrkPercent   = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$`)
	wrkSocketErr = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
	wrkNon2xx    = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
)

// parseWrk reads requests/s, p50, p99 and the error counts from wrk's
// output with --latency.
func parseWrk(out string) (wrkResult, error) {
	var r wrkResult
	m := wrkRPS.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("no Requests/sec in wrk's output:\n%s", out)
	}
	r.rps, _ = strconv.ParseFloat(m[1], 64)
	if m := wrkRequests.FindStringSubmatch(out); m != nil {
		r.requests, _ = strconv.Atoi(m[1])
	}
	units := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second, "m": time.Minute}
	found := 0
	for _, m := range wrkPercent.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		d := time.Duration(math.Round(v * float64(units[m[3]])))
		if m[1] == "50" {
			r.p50 = d
		} else {
			r.p99 = d
		}
		found++
	}
	if found != 2 {
		return r, fmt.Errorf("no 50%%/99%% latency lines in wrk's output (run with --latency):\n%s", out)
	}
	if m := wrkSocketErr.FindStringSubmatch(out); m != nil {
		for _, n := range m[1:] {
			v, _ := strconv.Atoi(n)
			r.errors += v
		}
	}
	if m := wrkNon2xx.FindStringSubmatch(out); m != nil {
		v, _ := strconv.Atoi(m[1])
		r.errors += v
	}
	return r, nil
}

func (b *bench) printThroughput(a app, results map[cell]wrkResult) {
	fmt.Printf("\nthroughput: %s (%s), wrk -t%d --latency, %s per run after a %s warm-up, median of %d run(s)\n",
		a.name, a.module+".py", b.wrkThreads, b.duration, b.warmup, b.runs)
	fmt.Printf("  %-18s %5s %9s %9s %9s %7s %10s %10s %9s\n", "server", "conns", "req/s", "p50", "p99", "errors", "wsgidev/x", "issue@8c", "cpu/req")
	for _, conns := range b.conns {
		ours := results[cell{wsgidevName, conns}]
		for _, s := range b.servers() {
			r := results[cell{s.name, conns}]
			if r.failed != "" {
				fmt.Printf("  %-18s %5d   no figure: %s (see %s)\n", s.name, conns, r.failed, b.out)
				continue
			}
			ratio, ref := "", ""
			if s.name != wsgidevName && ours.failed == "" && ours.rps > 0 {
				ratio = fmt.Sprintf("%.2fx", ours.rps/r.rps)
			}
			if v, ok := s.ref[a.name]; ok && conns == 8 {
				ref = fmt.Sprintf("≈%d", v)
			}
			split := ""
			if s.name == wsgidevName {
				split = fmt.Sprintf("  (go %s + python %s)", us(r.cpuSelf, r.requests), us(r.cpuKids, r.requests))
			}
			fmt.Printf("  %-18s %5d %9.0f %9s %9s %7d %10s %10s %9s%s\n", s.name, conns, r.rps, ms(r.p50), ms(r.p99), r.errors,
				ratio, ref, us(r.cpuSelf+r.cpuKids, r.requests), split)
		}
	}
}

// throughputChecks adds issue 2's targets: req/s against gunicorn's single
// sync worker at every connection count, and p99 below it at 64.
func (b *bench) throughputChecks(a app, results map[cell]wrkResult) {
	want := map[string]float64{"hello": 1.5, "flask": 1.2}[a.name]
	for _, conns := range b.conns {
		ours, ranOurs := results[cell{wsgidevName, conns}]
		peer, ranPeer := results[cell{gunicorn1.name, conns}]
		if !ranOurs || !ranPeer {
			continue // -servers left one out
		}
		if ours.failed != "" || peer.failed != "" {
			b.checks = append(b.checks, check{
				what:     fmt.Sprintf("%s, %d conns: wsgidev against gunicorn sync 1w", a.name, conns),
				measured: "no figure: wrk failed",
			})
			continue
		}
		ratio := ours.rps / peer.rps
		b.checks = append(b.checks, check{
			what:     fmt.Sprintf("%s, %d conns: req/s wsgidev / gunicorn sync 1w", a.name, conns),
			target:   fmt.Sprintf(">= %.2fx", want),
			measured: fmt.Sprintf("%.2fx (%.0f / %.0f)", ratio, ours.rps, peer.rps),
			pass:     ratio >= want,
		})
		if conns == 64 {
			b.checks = append(b.checks, check{
				what:     fmt.Sprintf("%s, 64 conns: p99 wsgidev vs gunicorn sync 1w", a.name),
				target:   "below",
				measured: fmt.Sprintf("%s vs %s", ms(ours.p99), ms(peer.p99)),
				pass:     ours.p99 < peer.p99,
			})
		}
	}
}

// us formats CPU time per request in microseconds.
func us(cpu time.Duration, requests int) string {
	return fmt.Sprintf("%dµs", (cpu / time.Duration(max(requests, 1))).Microseconds())
}

// ms formats a duration in milliseconds, as the tables show every latency.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
}
