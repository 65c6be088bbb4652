//go:build linux

package main

import "fmt"

// check is one of the issues' targets against what this run measured.
type check struct {
	issue    int // the issue that sets the target; 2 when zero
	what     string
	target   string
	measured string
	pass     bool
}

func (b *bench) printChecks() {
	if len(b.checks) == 0 {
		return
	}
	fmt.Printf("\ntargets\n")
	for _, c := range b.checks {
		verdict := "MISS"
		if c.pass {
			verdict = "PASS"
		}
		issue := max(c.issue, 2)
		fmt.Printf("  %-4s  #%d  %-52s %-10s %s\n", verdict, issue, c.what, c.target, c.measured)
	}
}
