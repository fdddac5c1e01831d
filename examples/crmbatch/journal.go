package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strconv"
	"sync"
)

// The journal is an append-only text file that says what became of each
// input record, so a stopped or crashed run can be resumed:
//
//	crmbatch-journal 1 {"vendor":"hubspot","op":"create",…}   the run's identity
//	S	1200-1299,1302    the records at these positions are about to be sent in one request
//	42	s	ada@example.com   record 42 (its key): s succeeded, f failed,
//	                          n not attempted, u outcome unknown, i invalid input
//	H	1500              (only before the first S line) records before
//	                          position 1500 may have been handed to the engine
//
// A later line about a position replaces an earlier one; an S line makes
// its records "outcome unknown" until a later line gives their final
// state. Each S line is written and synced before its request goes out
// (the engine's Config.OnSend); final states are written as they arrive
// and synced once per chunk (on each progress report). A process killed at
// any point leaves a valid journal: a torn last line is ignored, a record
// of an S line with no later final state was in flight (outcome unknown),
// and a record read but never sent is in no S line, so a resume simply
// sends it.
//
// H lines guard against an engine that does not report its requests (a
// client that drops Config.OnSend): until the run's first S line, each
// record is covered by a synced H line before it is handed on, as the
// journal did before the engine had the hook, and a record before the
// last H line with no final state is taken as in flight. Once an S line
// is written the engine is known to report, and no H line follows.
type journal struct {
	mu      sync.Mutex
	f       *os.File
	w       *bufio.Writer
	mark    int  // records before this position may have been handed on
	sending bool // an S line was written: the engine reports its requests
	err     error
}

// journalMagic starts a journal file.
const journalMagic = "crmbatch-journal 1 "

// handStep is how many records each H line covers: the most a crash can
// turn into "outcome unknown" beyond the records in flight.
const handStep = 100

// journalHeader is the run's identity: a resume must be of the same
// import of the same file.
type journalHeader struct {
	Vendor     string `json:"vendor"`
	Op         string `json:"op"`
	Object     string `json:"object,omitempty"`
	IDProperty string `json:"idProperty,omitempty"`
	// Target is where the run sends: "vendor" (the vendor's API), "fake"
	// (-fake), "dry run" (-dry-run) or the -base-url, without its user
	// and query (which may hold secrets).
	Target      string `json:"target"`
	Input       string `json:"input"`
	Size        int64  `json:"size"`
	Fingerprint string `json:"fingerprint"`
}

func (h journalHeader) sameRun(o journalHeader) error {
	switch {
	case h.Vendor != o.Vendor || h.Op != o.Op || h.Object != o.Object || h.IDProperty != o.IDProperty:
		return fmt.Errorf("the journal is of %s %s %s, not %s %s %s", h.Vendor, h.Op, h.Object, o.Vendor, o.Op, o.Object)
	case h.Target == "":
		return fmt.Errorf("the journal does not say where its run sent (an older crmbatch wrote it): a resume could send its records somewhere else; start again with -force, or without -resume")
	case h.Target != o.Target:
		return fmt.Errorf("the journal's run sent to %s, this one would send to %s: resume with the same target (-fake, -base-url or neither) as the run that wrote it", describeTarget(h.Target), describeTarget(o.Target))
	case h.Size != o.Size || h.Fingerprint != o.Fingerprint:
		return errors.New("the input file is not the one the journal was written for (its size or start differ)")
	}
	return nil
}

// targetOf is where a run with o sends, for the journal's header.
func targetOf(o options) string {
	switch {
	case o.dryRun:
		return "dry run"
	case o.fake:
		return "fake"
	case o.baseURL != "":
		u, err := url.Parse(o.baseURL)
		if err != nil {
			return "an unparsable -base-url"
		}
		u.User, u.RawQuery, u.Fragment = nil, "", ""
		return u.String()
	}
	return "vendor"
}

// describeTarget names a journal's target in words.
func describeTarget(target string) string {
	switch target {
	case "dry run":
		return "nowhere (-dry-run)"
	case "fake":
		return "the built-in fake (-fake)"
	case "vendor":
		return "the vendor's API (no -fake, no -base-url)"
	}
	return "-base-url " + target
}

// createJournal starts a journal at path, or (resume) appends to the
// journal there.
func createJournal(path string, h journalHeader, resume, force bool) (*journal, error) {
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	switch {
	case resume:
		flags = os.O_WRONLY | os.O_APPEND
	case force:
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("the journal %s of an earlier run %w: add -resume to send what it did not, or -force to start again", path, errExists)
	}
	if err != nil {
		return nil, err
	}
	j := &journal{f: f, w: bufio.NewWriterSize(f, 64<<10)}
	if !resume {
		b, _ := json.Marshal(h)
		j.w.WriteString(journalMagic)
		j.w.Write(b)
		j.w.WriteByte('\n')
		j.sync()
	}
	return j, j.err
}

// handing is called before the record at pos is handed to the engine; it
// returns the journal's error, if any (a record must then not be sent).
func (j *journal) handing(pos int) error {
	if j == nil {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.sending || pos < j.mark {
		return j.err
	}
	j.mark = pos + handStep
	fmt.Fprintf(j.w, "H\t%d\n", j.mark)
	j.syncLocked()
	return j.err
}

// sent writes and syncs an S line naming the positions of one request's
// records, before the request goes out.
func (j *journal) sent(positions []int) {
	if j == nil || len(positions) == 0 {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.sending = true
	j.w.WriteString("S\t")
	writeRanges(j.w, positions)
	j.w.WriteByte('\n')
	j.syncLocked()
}

// writeRanges writes positions as comma-separated runs: "7", or "10-19"
// for consecutive positions.
func writeRanges(w *bufio.Writer, positions []int) {
	for i := 0; i < len(positions); {
		k := i
		for k+1 < len(positions) && positions[k+1] == positions[k]+1 {
			k++
		}
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteString(strconv.Itoa(positions[i]))
		if k > i {
			w.WriteByte('-')
			w.WriteString(strconv.Itoa(positions[k]))
		}
		i = k + 1
	}
}

// record notes a record's final state; it is made durable by the next sync.
func (j *journal) record(pos int, key string, state byte) {
	if j == nil {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.w.WriteString(strconv.Itoa(pos))
	j.w.WriteByte('\t')
	j.w.WriteByte(state)
	j.w.WriteByte('\t')
	j.w.WriteString(strconv.Quote(key))
	j.w.WriteByte('\n')
}

// sync writes out and syncs what was recorded.
func (j *journal) sync() {
	if j == nil {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.syncLocked()
}

func (j *journal) syncLocked() {
	if j.err == nil {
		j.err = j.w.Flush()
	}
	if j.err == nil {
		j.err = j.f.Sync()
	}
}

// close syncs and closes; remove deletes the file too (nothing is left
// to resume).
func (j *journal) close(remove bool) error {
	if j == nil {
		return nil
	}
	j.sync()
	err := errors.Join(j.err, j.f.Close())
	if remove && err == nil {
		err = os.Remove(j.f.Name())
	}
	return err
}

// resumeState is what an earlier run's journal says, by input position.
type resumeState struct {
	header    journalHeader
	succeeded bitset
	unknown   bitset
	final     bitset
	handed    int
}

// readJournal reads the journal at path.
func readJournal(path string) (*resumeState, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	rs, err := parseJournal(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rs, nil
}

// parseJournal reads a journal's content.
func parseJournal(data []byte) (*resumeState, error) {
	first, rest, _ := bytes.Cut(data, []byte("\n"))
	rs := &resumeState{}
	if !bytes.HasPrefix(first, []byte(journalMagic)) || json.Unmarshal(first[len(journalMagic):], &rs.header) != nil {
		return nil, errors.New("not a crmbatch journal")
	}
	for len(rest) > 0 {
		line, tail, complete := bytes.Cut(rest, []byte("\n"))
		rest = tail
		if !complete {
			break // torn by a crash: its record counts as not written
		}
		a, b, _ := bytes.Cut(line, []byte("\t"))
		if string(a) == "S" {
			if err := rs.sentLine(b); err != nil {
				return nil, fmt.Errorf("bad line %q: %w", line, err)
			}
			continue
		}
		if string(a) == "H" {
			n, err := strconv.Atoi(string(b))
			if err != nil {
				return nil, fmt.Errorf("bad line %q", line)
			}
			if n > maxPosition {
				return nil, fmt.Errorf("bad line %q", line)
			}
			rs.handed = max(rs.handed, n)
			continue
		}
		pos, err := strconv.Atoi(string(a))
		if err != nil || len(b) < 1 || pos < 0 || pos > maxPosition {
			return nil, fmt.Errorf("bad line %q", line)
		}
		rs.final.set(pos, true)
		rs.succeeded.set(pos, b[0] == stateSucceeded)
		rs.unknown.set(pos, b[0] == stateUnknown)
	}
	return rs, nil
}

// sentLine reads the positions of an S line: each record is in flight,
// outcome unknown, until a later line gives its final state.
func (rs *resumeState) sentLine(ranges []byte) error {
	for part := range bytes.SplitSeq(ranges, []byte(",")) {
		a, b, isRange := bytes.Cut(part, []byte("-"))
		first, err := strconv.Atoi(string(a))
		last := first
		if err == nil && isRange {
			last, err = strconv.Atoi(string(b))
		}
		switch {
		case err != nil:
			return err
		case first < 0 || last < first || last > maxPosition || last-first >= maxRange:
			return errors.New("positions out of range")
		}
		for pos := first; pos <= last; pos++ {
			rs.final.set(pos, true)
			rs.succeeded.set(pos, false)
			rs.unknown.set(pos, true)
		}
	}
	return nil
}

// maxRange bounds the positions one run of an S line may span: a request
// carries at most a few thousand records.
const maxRange = 1 << 16

// maxPosition bounds the positions a journal may name (a damaged line
// must not make the bitsets huge).
const maxPosition = 1 << 34

// Journal states.
const (
	stateSucceeded = 's'
	stateFailed    = 'f'
	stateNotSent   = 'n'
	stateUnknown   = 'u'
	stateInvalid   = 'i'
)

// earlier says what the earlier run did with the record at pos: it
// succeeded, its outcome is unknown (sent, no answer), or neither.
func (rs *resumeState) earlier(pos int) (succeeded, unknown bool) {
	if rs == nil {
		return false, false
	}
	if rs.final.get(pos) {
		return rs.succeeded.get(pos), rs.unknown.get(pos)
	}
	return false, pos < rs.handed
}

// bitset is a growable set of small non-negative integers.
type bitset []uint64

func (b *bitset) set(i int, on bool) {
	w := i / 64
	if w >= len(*b) {
		if !on {
			return
		}
		*b = append(*b, make([]uint64, w-len(*b)+1)...)
	}
	if on {
		(*b)[w] |= 1 << (i % 64)
	} else {
		(*b)[w] &^= 1 << (i % 64)
	}
}

func (b bitset) get(i int) bool {
	w := i / 64
	return w < len(b) && b[w]&(1<<(i%64)) != 0
}
