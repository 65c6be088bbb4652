package main

import "fmt"

// check is one of issue 2's targets against what this run measured.
type check struct {
	what     string
	target   string
	measured string
	pass     bool
}

func (b *bench) printChecks() {
	if len(b.checks) == 0 {
		return
	}
	fmt.Printf("\ntargets (issue 2)\n")
	for _, c := range b.checks {
		verdict := "MISS"
		if c.pass {
			verdict = "PASS"
		}
		fmt.Printf("  %-4s  %-52s %-10s %s\n", verdict, c.what, c.target, c.measured)
	}
}
