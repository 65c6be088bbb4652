package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/wsgidev/wsgidev/devserver"
)

// defaultKeepFailures is how many failures' tracebacks the child keeps for
// post-mortem debugging by default (README: their memory).
const defaultKeepFailures = 10

var postMortemFlags = []cli.Flag{
	&cli.IntFlag{Name: "keep-failures", Value: defaultKeepFailures, Usage: "keep the tracebacks of the last `N` failures until the next reload, for post-mortem pdb (d in the inspector); 0 keeps none"},
	&cli.BoolFlag{Name: "pm", Usage: "open pdb post-mortem at each failure, holding the request until you continue (needs a terminal)"},
}

// readPostMortem reads --keep-failures and --pm. --pm needs someone at a
// terminal to type pdb's commands: without one, every failure would hang
// on a prompt nobody sees, so it is refused before serving.
func readPostMortem(c *cli.Context, cfg *devserver.SessionConfig) error {
	keep := c.Int("keep-failures")
	if keep < 0 {
		return fmt.Errorf("--keep-failures %d: give how many failures to keep, 0 for none", keep)
	}
	cfg.Child.KeepFailures, cfg.Child.PostMortem = keep, c.Bool("pm")
	if cfg.Child.PostMortem && !cfg.Inspector && cfg.Terminal == nil {
		return fmt.Errorf("--pm needs a terminal: pdb reads its commands from wsgidev's standard input, which is not one here; " +
			"run wsgidev in a terminal, or leave out --pm and press d on a failed request in the inspector")
	}
	return nil
}
