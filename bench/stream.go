//go:build linux

package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

const (
	ticks   = 20
	tickGap = 50 * time.Millisecond
)

// stream measures, on every server, how long a streamed chunk takes from
// the app yielding it to the client reading it. The app writes its wall
// clock (time.time_ns) into each chunk; the bench compares it with its own
// wall clock on arrival, on the same machine.
func (b *bench) stream(ctx context.Context) error {
	rows := []string{fmt.Sprintf("  %-18s %9s %9s %9s", "server", "median", "max", "chunks")}
	for _, s := range b.servers() {
		logf("streaming from %s", s.name)
		delays, err := b.streamOne(ctx, s)
		b.stopAll()
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		sort.Slice(delays, func(i, j int) bool { return delays[i] < delays[j] })
		median, worst := delays[len(delays)/2], delays[len(delays)-1]
		rows = append(rows, fmt.Sprintf("  %-18s %9s %9s %9d", s.name, ms(median), ms(worst), len(delays)))
		if s.name == wsgidevName {
			b.checks = append(b.checks, check{
				what:     "streaming: every chunk yield -> client read",
				target:   "< 2ms",
				measured: fmt.Sprintf("max %s, median %s over %d chunks", ms(worst), ms(median), len(delays)),
				pass:     worst < 2*time.Millisecond,
			})
		}
	}
	fmt.Printf("\nstreaming: stream.py /ticks, %d chunks %s apart, delay from the app's yield to the client's read\n", ticks, tickGap)
	fmt.Println(strings.Join(rows, "\n"))
	return nil
}

func (b *bench) streamOne(ctx context.Context, s server) ([]time.Duration, error) {
	p, err := b.start(ctx, s, streamApp)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	url := fmt.Sprintf("%sticks?n=%d&ms=%d", p.url, ticks, tickGap.Milliseconds())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	r := bufio.NewReader(resp.Body)
	var delays []time.Duration
	for range ticks {
		line, err := r.ReadString('\n')
		arrived := time.Now()
		if err != nil {
			return nil, fmt.Errorf("after %d chunks: %w", len(delays), err)
		}
		ns, err := strconv.ParseInt(strings.TrimSpace(line), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("chunk %q is not a time.time_ns(): %w", line, err)
		}
		delays = append(delays, arrived.Sub(time.Unix(0, ns)))
	}
	return delays, nil
}
