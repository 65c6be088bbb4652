//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"
)

const (
	pollEvery   = 5 * time.Millisecond // the reload part's poll interval
	pollTimeout = 2 * time.Second      // a poll request slower than this counts as a timeout
)

// pollCounts tallies the poll requests of a reload run by outcome.
type pollCounts struct {
	total     int
	refused   int // connection refused
	status5xx int
	timeout   int
	other     int // any other error (reset, EOF) or a status that is neither 200 nor 5xx
}

func (c pollCounts) failed() int { return c.refused + c.status5xx + c.timeout + c.other }

// String gives the failures, e.g. "0" or "41 (38 refused, 3 5xx)".
func (c pollCounts) String() string {
	if c.failed() == 0 {
		return "0"
	}
	var parts []string
	for _, k := range []struct {
		n    int
		what string
	}{{c.refused, "refused"}, {c.status5xx, "5xx"}, {c.timeout, "timeout"}, {c.other, "other"}} {
		if k.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", k.n, k.what))
		}
	}
	return fmt.Sprintf("%d (%s)", c.failed(), strings.Join(parts, ", "))
}

// poller GETs one URL at most every pollEvery, one request at a time, as
// a browser tab being refreshed would, over keep-alive connections where
// the server allows them.
type poller struct {
	client *http.Client
	url    string
	next   time.Time
	counts *pollCounts // where outcomes are tallied; swapped for the syntax-error phase
	last   string      // the last outcome: "200", "5xx", "refused", "timeout" or "other"
}

func newPoller(url string, counts *pollCounts) *poller {
	transport := &http.Transport{MaxIdleConnsPerHost: 1}
	return &poller{client: &http.Client{Transport: transport, Timeout: pollTimeout}, url: url, counts: counts}
}

func (p *poller) close() { p.client.CloseIdleConnections() }

// get waits for the next slot, GETs the URL and returns the body and when
// it arrived; ok is false when the request failed or did not answer 200.
func (p *poller) get(ctx context.Context) (body string, at time.Time, ok bool) {
	if wait := time.Until(p.next); wait > 0 {
		select {
		case <-ctx.Done():
			return "", time.Now(), false
		case <-time.After(wait):
		}
	}
	p.next = time.Now().Add(pollEvery)
	p.counts.total++
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url, nil)
	if err != nil {
		p.counts.other++
		p.last = "other"
		return "", time.Now(), false
	}
	resp, err := p.client.Do(req)
	if err != nil {
		p.countError(err)
		return "", time.Now(), false
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	at = time.Now()
	switch {
	case err != nil:
		p.countError(err)
		return "", at, false
	case resp.StatusCode >= 500:
		p.counts.status5xx++
		p.last = "5xx"
		return string(data), at, false
	case resp.StatusCode != http.StatusOK:
		p.counts.other++
		p.last = "other"
		return string(data), at, false
	}
	p.last = "200"
	return string(data), at, true
}

func (p *poller) countError(err error) {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		p.counts.refused++
		p.last = "refused"
	case errors.As(err, &ne) && ne.Timeout():
		p.counts.timeout++
		p.last = "timeout"
	default:
		p.counts.other++
		p.last = "other"
	}
}
