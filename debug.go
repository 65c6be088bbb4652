package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// parseBreaks reads every --break.
func parseBreaks(exprs []string) ([]devserver.Breakpoint, error) {
	breaks := make([]devserver.Breakpoint, 0, len(exprs))
	for _, expr := range exprs {
		b, err := devserver.ParseBreakpoint(expr)
		if err != nil {
			return nil, fmt.Errorf("--break: %w", err)
		}
		breaks = append(breaks, b)
	}
	return breaks, nil
}

// printBreaks adds the breakpoints to the banner. Headless, nobody can step
// a held request, so the banner says what will release it: --break still
// has its use there (hold requests while a debugger attaches, or to see
// them queue), and refusing it would leave no way to test a hold by script.
func printBreaks(w io.Writer, breaks []devserver.Breakpoint, tui bool) {
	if len(breaks) == 0 {
		return
	}
	exprs := make([]string, len(breaks))
	for i, b := range breaks {
		exprs[i] = b.Expr
	}
	fmt.Fprintf(w, "  break    %s\n", strings.Join(exprs, " | "))
	if !tui {
		fmt.Fprintf(w, "           without the inspector held requests only wait: `kill -USR1 %d` releases them (they run to the end)\n", os.Getpid())
	}
}

// releaseOnUSR1 continues every held request on SIGUSR1 until ctx ends.
func releaseOnUSR1(ctx context.Context, d *devserver.Debugger, hub *exchange.Hub) {
	usr1 := make(chan os.Signal, 1)
	signal.Notify(usr1, syscall.SIGUSR1)
	defer signal.Stop(usr1)
	for {
		select {
		case <-usr1:
			n := len(d.Held())
			d.ReleaseAll()
			hub.Publish(exchange.Update{Notice: &exchange.Notice{At: time.Now(), Text: fmt.Sprintf("SIGUSR1: released %s held in the debugger", plural(n, "request"))}})
		case <-ctx.Done():
			return
		}
	}
}
