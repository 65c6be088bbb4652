//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// rss returns a process's resident set (VmRSS) and its peak since it
// started (VmHWM), in bytes, from /proc/PID/status.
func rss(pid int) (now, peak int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, value, _ := strings.Cut(sc.Text(), ":")
		fields := strings.Fields(value) // "11892 kB"
		if len(fields) != 2 || (key != "VmRSS" && key != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("/proc/%d/status: %s: %w", pid, key, err)
		}
		if key == "VmRSS" {
			now = kb << 10
		} else {
			peak = kb << 10
		}
	}
	return now, peak, sc.Err()
}

// childOf finds the process whose parent is pid (wsgidev's Python child).
func childOf(pid int) (int, error) {
	parent, err := parents()
	if err != nil {
		return 0, err
	}
	for child, p := range parent {
		if p == pid {
			return child, nil
		}
	}
	return 0, fmt.Errorf("no child process of %d", pid)
}

// descendants lists the children of pid, their children, and so on.
func descendants(pid int) []int {
	parent, _ := parents()
	var found []int
	for frontier := map[int]bool{pid: true}; len(frontier) > 0; {
		next := map[int]bool{}
		for child, p := range parent {
			if frontier[p] {
				next[child] = true
				found = append(found, child)
			}
		}
		frontier = next
	}
	return found
}

// parents maps every process to its parent, from /proc/PID/stat.
func parents() (map[int]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	parent := map[int]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if fields := statFields(pid); len(fields) > 1 {
			parent[pid], _ = strconv.Atoi(fields[1])
		}
	}
	return parent, nil
}

// cpuTime sums the user and system CPU time of pids (utime and stime in
// /proc/PID/stat, in clock ticks of 1/100 s).
func cpuTime(pids ...int) time.Duration {
	var ticks int64
	for _, pid := range pids {
		if fields := statFields(pid); len(fields) > 12 {
			utime, _ := strconv.ParseInt(fields[11], 10, 64)
			stime, _ := strconv.ParseInt(fields[12], 10, 64)
			ticks += utime + stime
		}
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}

// statFields returns /proc/PID/stat after "pid (comm)", so that fields[0]
// is the state, fields[1] the parent, fields[11] utime; nil if pid is gone.
func statFields(pid int) []string {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil
	}
	// comm may hold spaces and parentheses: cut at the last ")".
	return strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
}

func numCPU() int { return runtime.NumCPU() }

func loadAvg() string {
	out, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(out))[:3], " ")
}

// firstLine runs a command for its version line; wrk prints it and exits 1.
func firstLine(name string, args ...string) string {
	out, _ := exec.Command(name, args...).CombinedOutput()
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	if i := strings.Index(line, " Copyright"); i > 0 {
		line = line[:i]
	}
	return line
}

func pyVersion(python, dist string) string {
	out, err := exec.Command(python, "-c", "import importlib.metadata as m, sys; print(m.version(sys.argv[1]))", dist).Output()
	if err != nil {
		return "missing"
	}
	return strings.TrimSpace(string(out))
}

func commandOutput(ctx context.Context, name string, args ...string) (string, error) {
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	return string(out), err
}
