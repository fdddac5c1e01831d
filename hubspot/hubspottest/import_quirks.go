package hubspottest

import (
	"maps"

	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// ImportQuirks make the fake's imports answer what a client must not take
// at its word: errors that name no row of the file, errors counted but
// not listed, counters that do not add up, or none. The zero value is a
// well-behaved import.
type ImportQuirks struct {
	// Rewrite, when set, changes each error as GET …/errors lists it (the
	// ERRORS counter is unchanged): give it a RowData naming no row, a
	// LineNumber outside the file, or neither. It runs under the server's
	// lock: it must not call the server's methods.
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

// SetImportQuirks makes the imports created from now on answer with q;
// the zero ImportQuirks restores well-behaved imports.
func (s *Server) SetImportQuirks(q ImportQuirks) {
	q.CounterDelta = maps.Clone(q.CounterDelta)
	fakekit.Set(&s.mu, &s.importQuirks, q)
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
