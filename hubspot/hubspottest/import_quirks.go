package hubspottest

import (
	"maps"
	"sync"
)

// ImportQuirks make the fake's imports answer what a client must not take
// at its word: errors that name no row of the file, errors counted but
// not listed, counters that do not add up, or none. The zero value is a
// well-behaved import.
type ImportQuirks struct {
	// Rewrite, when set, changes each error as GET …/errors lists it (the
	// ERRORS counter is unchanged): give it a RowData naming no row, a
	// LineNumber outside the file, or neither.
	Rewrite func(ImportError) ImportError
	// Unlisted is how many of an import's errors, its last ones, are
	// counted in ERRORS but never listed. Their rows are not written.
	Unlisted int
	// CounterDelta is added to a final import's counters; a key the
	// import does not report is added with the delta as its value.
	CounterDelta map[string]int
	// NoCounters answers every state of an import without counters.
	NoCounters bool
}

// importQuirks holds each server's quirks (set by SetImportQuirks,
// dropped by Close).
var importQuirks = struct {
	mu sync.Mutex
	by map[*Server]ImportQuirks
}{by: map[*Server]ImportQuirks{}}

// SetImportQuirks makes the imports created from now on answer with q;
// the zero ImportQuirks restores well-behaved imports.
func (s *Server) SetImportQuirks(q ImportQuirks) {
	q.CounterDelta = maps.Clone(q.CounterDelta)
	importQuirks.mu.Lock()
	defer importQuirks.mu.Unlock()
	importQuirks.by[s] = q
}

// quirks returns the quirks a new import of s takes.
func (s *Server) quirks() ImportQuirks {
	importQuirks.mu.Lock()
	defer importQuirks.mu.Unlock()
	return importQuirks.by[s]
}

// dropQuirks forgets the quirks of s.
func (s *Server) dropQuirks() {
	importQuirks.mu.Lock()
	defer importQuirks.mu.Unlock()
	delete(importQuirks.by, s)
}

// listed is how many of the import's errors GET …/errors lists.
func (im *Import) listed() int { return max(len(im.Errors)-im.quirks.Unlisted, 0) }

// listedError is error i as GET …/errors lists it.
func (im *Import) listedError(i int) ImportError {
	e := im.Errors[i]
	if im.quirks.Rewrite != nil {
		e.RowData = append([]string(nil), e.RowData...)
		e = im.quirks.Rewrite(e)
	}
	return e
}

// counters are the import's counters as answered: nil with NoCounters,
// else c with CounterDelta added once the import is final.
func (im *Import) counters(c map[string]int, final bool) map[string]int {
	if im.quirks.NoCounters {
		return nil
	}
	if final {
		for k, d := range im.quirks.CounterDelta {
			c[k] += d
		}
	}
	return c
}
