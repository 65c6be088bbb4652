//go:build linux

package main

import (
	"context"
	"fmt"
)

// The layers part: what recording the app's layers costs (issue 16). The
// same three-layer hello world (apps/layers_hello.py) served by wsgidev as
// it is by default (layers recorded for at most exchange.LayersPerSecond
// requests a second, so a load test records a sample), with --all-layers
// (every request recorded) and with --no-layers, measured in turn in each
// run so that the machine's load drifts over all three alike.
var (
	layersApp = app{"layers", "layers_hello", "application"}
	layersOn  = server{name: wsgidevName + " (layers)", argv: wsgidevArgv()}
	layersAll = server{name: wsgidevName + " --all-layers", argv: wsgidevArgv("--all-layers")}
	layersOff = server{name: wsgidevName + " --no-layers", argv: wsgidevArgv("--no-layers")}
)

// layersLimit is the most layers may cost as served by default: req/s
// with them at least this share of req/s without.
const layersLimit = 0.95

func (b *bench) layers(ctx context.Context) error {
	runs, err := b.inTurn(ctx, layersApp, layersOn, layersAll, layersOff)
	if err != nil {
		return err
	}
	b.printLayers(runs)
	return nil
}

// printLayers sets the three side by side, one row a connection count,
// and adds the check: the default against --no-layers. What recording
// every request costs is shown beside it, with no target.
func (b *bench) printLayers(runs map[cell][]wrkResult) {
	fmt.Printf("\nlayers: three layers (%s.py), wrk -t%d --latency, %s per run after a %s warm-up, median of %d run(s)\n",
		layersApp.module, b.wrkThreads, b.duration, b.warmup, b.runs)
	fmt.Printf("  %5s  %-30s  %-30s  %-30s  %8s %8s\n", "conns", "default (<= 100 req/s recorded)", "--all-layers (every request)", "--no-layers", "def/off", "all/off")
	for _, conns := range b.conns {
		on, all, off := medianRun(runs[cell{layersOn.name, conns}]), medianRun(runs[cell{layersAll.name, conns}]), medianRun(runs[cell{layersOff.name, conns}])
		what := fmt.Sprintf("layers, %d conns: req/s by default / --no-layers", conns)
		if on.failed != "" || all.failed != "" || off.failed != "" {
			fmt.Printf("  %5d  no figure: %s%s%s (see %s)\n", conns, on.failed, all.failed, off.failed, b.out)
			b.checks = append(b.checks, check{issue: 16, what: what, measured: "no figure: wrk failed"})
			continue
		}
		ratio := on.rps / off.rps
		fmt.Printf("  %5d  %-30s  %-30s  %-30s  %7.3fx %7.3fx\n", conns, layerCell(on), layerCell(all), layerCell(off), ratio, all.rps/off.rps)
		b.checks = append(b.checks, check{
			issue:    16,
			what:     what,
			target:   fmt.Sprintf(">= %.2fx", layersLimit),
			measured: fmt.Sprintf("%.3fx (%.0f / %.0f; every request recorded: %.3fx)", ratio, on.rps, off.rps, all.rps/off.rps),
			pass:     ratio >= layersLimit,
		})
	}
}

// layerCell is one server's req/s and CPU per request, Go's and Python's.
func layerCell(r wrkResult) string {
	return fmt.Sprintf("%6.0f/s go %s + py %s", r.rps, us(r.cpuSelf, r.requests), us(r.cpuKids, r.requests))
}

// split is wsgidev's CPU per request, Go's and Python's.
func split(r wrkResult) string {
	return fmt.Sprintf("(go %s + py %s)", us(r.cpuSelf, r.requests), us(r.cpuKids, r.requests))
}
