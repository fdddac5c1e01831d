package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/crmbatch/crmbatch/batch"
)

// progressPrinter draws a progress bar on a terminal, or prints a plain
// line at most every few seconds when the output is a file or a pipe.
type progressPrinter struct {
	mu       sync.Mutex
	w        io.Writer
	terminal bool
	every    time.Duration
	last     time.Time
}

func newProgressPrinter(w io.Writer, terminal bool) *progressPrinter {
	p := &progressPrinter{w: w, every: 2 * time.Second, terminal: terminal}
	if terminal {
		p.every = 100 * time.Millisecond
	}
	return p
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// update is a batch.Config.OnProgress hook.
func (p *progressPrinter) update(pr batch.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.last) < p.every {
		return
	}
	p.last = time.Now()
	p.print(pr)
}

// done prints the final state.
func (p *progressPrinter) done(pr batch.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.print(pr)
	if p.terminal {
		fmt.Fprintln(p.w)
	}
}

func (p *progressPrinter) print(pr batch.Progress) {
	rate := 0.0
	if s := pr.Elapsed.Seconds(); s > 0 {
		rate = float64(pr.Done) / s
	}
	counts := fmt.Sprintf("%d done (%d ok, %d failed, %d not attempted) of %d read, %d requests, %d retries, %.0f/s",
		pr.Done, pr.Succeeded, pr.Failed, pr.NotAttempted, pr.Total, pr.Requests, pr.Retries, rate)
	if !p.terminal {
		fmt.Fprintf(p.w, "progress: %s\n", counts)
		return
	}
	const width = 30
	filled := 0
	if pr.Total > 0 {
		filled = min(width, pr.Done*width/pr.Total)
	}
	fmt.Fprintf(p.w, "\r[%s%s] %s", strings.Repeat("#", filled), strings.Repeat(".", width-filled), counts)
}
