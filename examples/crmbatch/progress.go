package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/crmbatch/crmbatch/batch"
)

// progressView shows how far the import has gone, measured in bytes of
// the input read (the records' own count is not known until the end):
// on a terminal a bar sized to its width, with the rate and the time
// left, redrawn in place; otherwise a plain line every -progress-every.
// After Ctrl-C it says it is stopping.
//
// The bar is github.com/schollz/progressbar/v3: it draws one bar to any
// writer, measures bytes with rate and ETA built in, and fits its line to
// the terminal's width on every redraw.
type progressView struct {
	w        io.Writer
	in       *inputFile
	bar      *progressbar.ProgressBar // nil when w is not a terminal
	width    func() int
	every    time.Duration
	start    time.Time
	latest   atomic.Pointer[batch.Progress]
	stopping atomic.Bool

	quit chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex // serializes plain lines
}

// terminalWidth returns w's width in columns when it is a terminal.
func terminalWidth(w io.Writer) (int, bool) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0, false
	}
	cols, _, err := term.GetSize(int(f.Fd()))
	if err != nil || cols <= 0 {
		cols = 80
	}
	return cols, true
}

// startProgress starts showing progress on w.
func startProgress(w io.Writer, in *inputFile, every time.Duration) *progressView {
	p := &progressView{w: w, in: in, every: every, start: time.Now(), quit: make(chan struct{})}
	tick := every
	if _, ok := terminalWidth(w); ok {
		p.width = func() int { cols, _ := terminalWidth(w); return cols }
		opts := []progressbar.Option{
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetWidth(30),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowTotalBytes(true),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionThrottle(100 * time.Millisecond),
			progressbar.OptionUseANSICodes(true),
			progressbar.OptionSetRenderBlankState(true),
		}
		if in.size < 0 {
			opts = append(opts, progressbar.OptionSpinnerType(14))
		}
		p.bar = progressbar.NewOptions64(in.size, opts...)
		tick = 200 * time.Millisecond
	}
	p.wg.Go(func() {
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-p.quit:
				return
			case <-t.C:
				p.show()
			}
		}
	})
	return p
}

// update is the engine's progress hook.
func (p *progressView) update(pr batch.Progress) { p.latest.Store(&pr) }

// setStopping switches to the "stopping" state at once.
func (p *progressView) setStopping() {
	p.stopping.Store(true)
	p.show()
}

// counts says what the records read so far became.
func (p *progressView) counts() string {
	pr := p.latest.Load()
	if pr == nil {
		return "starting"
	}
	return fmt.Sprintf("%d ok %d failed", pr.Succeeded, pr.Failed+pr.NotAttempted)
}

func (p *progressView) show() {
	if p.bar != nil {
		desc := p.counts()
		if p.stopping.Load() {
			desc = "stopping (Ctrl-C: exit now)"
		}
		// Leave the bar, its numbers and the times ~62 columns; the bar
		// shrinks to fit what is left.
		desc = oneLine(desc, max(8, p.width()-62)) + " "
		p.bar.Describe(desc)
		p.bar.Set64(p.in.read.Load())
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	state := "progress"
	if p.stopping.Load() {
		state = "stopping (finishing the requests in flight)"
	}
	read := p.in.read.Load()
	elapsed := time.Since(p.start)
	line := fmt.Sprintf("%s: %s read", state, bytesText(read))
	if p.in.size > 0 {
		line += fmt.Sprintf(" of %s (%d%%)", bytesText(p.in.size), read*100/p.in.size)
	}
	line += ", " + p.counts()
	if s := elapsed.Seconds(); s > 0 && read > 0 {
		rate := float64(read) / s
		line += fmt.Sprintf(", %s/s", bytesText(int64(rate)))
		if p.in.size > 0 && !p.stopping.Load() {
			left := time.Duration(float64(p.in.size-read) / rate * float64(time.Second))
			line += fmt.Sprintf(", about %v left", left.Round(time.Second))
		}
	}
	fmt.Fprintln(p.w, line)
}

// finish stops the display, leaving the cursor on a fresh line.
func (p *progressView) finish() {
	close(p.quit)
	p.wg.Wait()
	if p.bar != nil {
		p.show()
		p.bar.Exit()
		fmt.Fprintln(p.w)
	}
}

// bytesText is n bytes in B, kB, MB or GB.
func bytesText(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}
