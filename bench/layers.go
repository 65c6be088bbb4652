//go:build linux

package main

import (
	"context"
	"fmt"
)

// The layers part: what recording the app's layers costs (issue 16). The
// same three-layer hello world (apps/layers_hello.py) served by wsgidev as
// it is by default, layers recorded, and with --no-layers, measured in turn
// in each run so that the machine's load drifts over both alike.
var (
	layersApp = app{"layers", "layers_hello", "application"}
	layersOn  = server{name: wsgidevName + " (layers)", argv: wsgidevArgv()}
	layersOff = server{name: wsgidevName + " --no-layers", argv: wsgidevArgv("--no-layers")}
)

// layersLimit is the most recording three layers may cost: req/s with them
// at least this share of req/s without.
const layersLimit = 0.95

func (b *bench) layers(ctx context.Context) error {
	runs, err := b.inTurn(ctx, layersApp, layersOn, layersOff)
	if err != nil {
		return err
	}
	b.printLayers(runs)
	return nil
}

// printLayers sets the two side by side, one row a connection count, and
// adds the check.
func (b *bench) printLayers(runs map[cell][]wrkResult) {
	fmt.Printf("\nlayers: three layers (%s.py), wrk -t%d --latency, %s per run after a %s warm-up, median of %d run(s)\n",
		layersApp.module, b.wrkThreads, b.duration, b.warmup, b.runs)
	fmt.Printf("  %5s  %9s %9s  %-22s  %9s %9s  %-22s  %8s\n", "conns", "req/s", "cpu/req", "(layers recorded)", "req/s", "cpu/req", "(--no-layers)", "on/off")
	for _, conns := range b.conns {
		on, off := medianRun(runs[cell{layersOn.name, conns}]), medianRun(runs[cell{layersOff.name, conns}])
		if on.failed != "" || off.failed != "" {
			fmt.Printf("  %5d  no figure: %s%s (see %s)\n", conns, on.failed, off.failed, b.out)
			b.checks = append(b.checks, check{issue: 16, what: fmt.Sprintf("layers, %d conns: req/s recorded / --no-layers", conns), measured: "no figure: wrk failed"})
			continue
		}
		ratio := on.rps / off.rps
		fmt.Printf("  %5d  %9.0f %9s  %-22s  %9.0f %9s  %-22s  %7.3fx\n", conns,
			on.rps, us(on.cpuSelf+on.cpuKids, on.requests), split(on), off.rps, us(off.cpuSelf+off.cpuKids, off.requests), split(off), ratio)
		b.checks = append(b.checks, check{
			issue:    16,
			what:     fmt.Sprintf("layers, %d conns: req/s recorded / --no-layers", conns),
			target:   fmt.Sprintf(">= %.2fx", layersLimit),
			measured: fmt.Sprintf("%.3fx (%.0f / %.0f)", ratio, on.rps, off.rps),
			pass:     ratio >= layersLimit,
		})
	}
}

// split is wsgidev's CPU per request, Go's and Python's.
func split(r wrkResult) string {
	return fmt.Sprintf("(go %s + py %s)", us(r.cpuSelf, r.requests), us(r.cpuKids, r.requests))
}
