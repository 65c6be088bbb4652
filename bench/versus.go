//go:build linux

package main

import (
	"context"
	"fmt"
	"strconv"
)

// The versus part: this wsgidev against another build of it (-versus
// FILE), on the hello and Flask apps, both served at once and measured in
// turn, so that a change can be shown to cost nothing (or what it costs)
// on a machine whose load drifts. CPU per request is the steadier figure.
func (b *bench) versus(ctx context.Context) error {
	this := server{name: wsgidevName + " (this)", argv: wsgidevArgv()}
	other := server{name: wsgidevName + " (versus)", argv: func(b *bench, a app, port int) []string {
		return []string{b.versusBin, "serve", "--no-tui", "--no-reload", "--port", strconv.Itoa(port), "--python", b.python, a.spec()}
	}}
	for _, a := range []app{helloApp, flaskApp} {
		runs, err := b.inTurn(ctx, a, this, other)
		if err != nil {
			return err
		}
		fmt.Printf("\nversus: %s (%s.py), this %s against %s, wrk -t%d, %s per run after a %s warm-up, median of %d run(s)\n",
			a.name, a.module, b.bin, b.versusBin, b.wrkThreads, b.duration, b.warmup, b.runs)
		fmt.Printf("  %5s  %9s %9s  %-22s  %9s %9s  %-22s  %8s\n", "conns", "req/s", "cpu/req", "(this)", "req/s", "cpu/req", "(versus)", "cpu this/versus")
		for _, conns := range b.conns {
			t, v := medianRun(runs[cell{this.name, conns}]), medianRun(runs[cell{other.name, conns}])
			if t.failed != "" || v.failed != "" {
				fmt.Printf("  %5d  no figure: %s%s (see %s)\n", conns, t.failed, v.failed, b.out)
				continue
			}
			ratio := (t.cpuSelf + t.cpuKids).Seconds() / float64(t.requests) / ((v.cpuSelf + v.cpuKids).Seconds() / float64(v.requests))
			fmt.Printf("  %5d  %9.0f %9s  %-22s  %9.0f %9s  %-22s  %7.3fx\n", conns,
				t.rps, us(t.cpuSelf+t.cpuKids, t.requests), split(t), v.rps, us(v.cpuSelf+v.cpuKids, v.requests), split(v), ratio)
		}
	}
	return nil
}
