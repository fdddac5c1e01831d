package pardot

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"mime/multipart"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// ImportVerb names what an import does with its rows; see Prospects.Import.
type ImportVerb uint8

const (
	// ImportCreate creates every row (the match column is left empty).
	ImportCreate ImportVerb = iota + 1
	// ImportUpdate updates the prospect each row matches; a row matching
	// none fails (createOnNoMatch false).
	ImportUpdate
	// ImportUpsert updates the prospect each row matches and creates the
	// others.
	ImportUpsert
)

func (v ImportVerb) operation() (operation, bool) {
	switch v {
	case ImportCreate:
		return opCreate, true
	case ImportUpdate:
		return opUpdate, true
	case ImportUpsert:
		return opUpsert, true
	}
	return 0, false
}

// Import sends prospects through the Import API v5 (see the package doc,
// "Imports"): the CSV is written as ps is read, in batch files of at most
// MaxImportBatchBytes and imports of at most MaxImportBatches files; each
// import is submitted, its status read until Complete, and its errors file
// placed back on the input records. The report and error have the same
// shape as Create, Update and Upsert give. A Client built with the
// deprecated WithLegacyLogin cannot import (the Import API v5 takes
// Salesforce OAuth only): every record is then reported not attempted.
func (p *Prospects) Import(ctx context.Context, verb ImportVerb, ps iter.Seq[Prospect]) (*batch.Report[Result], error) {
	o, ok := verb.operation()
	if !ok {
		return nil, fmt.Errorf("pardot: Import: unknown ImportVerb %d", verb)
	}
	return p.c.runImport(ctx, o, ps)
}

// importWait is the wait between status reads and before a request sent
// again: the context-aware sleep, or the test's.
func (c *Client) importWait(ctx context.Context, d time.Duration) error {
	if c.cfg.importWait != nil {
		return c.cfg.importWait(ctx, d)
	}
	return vendorkit.Sleep(ctx, d)
}

// importPoll is the first wait between status reads; it doubles up to
// importPollMax. Pardot asks for "a reasonable interval": each read
// counts against the daily API limit.
const (
	importPoll    = 2 * time.Second
	importPollMax = time.Minute
)

// importRun is one call's import path: what became of each record read
// so far, kept compact (a status byte and a key per record, an error per
// record that did not succeed), the import being filled, and the counts.
type importRun struct {
	c      *Client
	op     operation
	policy batch.RetryPolicy
	keys   []string
	status []batch.Status
	errs   map[int]error
	// index finds a record by key: it refuses a key repeated within the
	// call and places the errors file's rows.
	index   map[string]int32
	cur     *openImport
	file    bytes.Buffer // the batch file being written, reused
	scratch []byte

	requests, retries int
	halt              error // why the input was not read to its end
}

// pending is the status of a record written into the open import and not
// yet settled; it never reaches a report.
const pending batch.Status = 0xff

// openImport is the import being filled: its layout, its id once
// created, the batch file being written, and its rows: the records from
// input index first on whose status is pending.
type openImport struct {
	layout   importLayout
	header   []byte
	id       int64
	batches  int
	file     *bytes.Buffer // the multipart body of the batch being written
	mw       *multipart.Writer
	inFile   int // rows in file
	csvBytes int // CSV bytes in file, header row included
	first    int // input index of its first row
	rows     int // rows uploaded or in file
	done     bool
}

// pendingRows calls f with the input index of each row of the open
// import not yet settled.
func (r *importRun) pendingRows(f func(i int)) {
	for i := r.cur.first; i < len(r.status); i++ {
		if r.status[i] == pending {
			f(i)
		}
	}
}

// settle gives record i its final status and error.
func (r *importRun) settle(i int, status batch.Status, err error) {
	r.status[i] = status
	if err != nil {
		r.errs[i] = err
	}
}

// runImport is Import's body.
func (c *Client) runImport(ctx context.Context, o operation, ps iter.Seq[Prospect]) (*batch.Report[Result], error) {
	start := time.Now()
	r := &importRun{c: c, op: o, policy: c.cfg.Engine.Retry.WithDefaults(), errs: map[int]error{}, index: map[string]int32{}}
	if ps == nil {
		ps = func(func(Prospect) bool) {}
	}
	if c.cfg.legacy != nil {
		e := &Error{APIError: vendorkit.APIError[Code]{Vendor: "pardot", Op: "import", Class: vendorkit.Auth, Local: true,
			Message: "the Import API v5 takes Salesforce OAuth only; WithLegacyLogin cannot import"}}
		for p := range ps {
			r.record(p, batch.NotAttempted, e)
		}
		return r.report(o, start)
	}
	for p := range ps {
		if err := ctx.Err(); err != nil {
			r.halt = err
			break
		}
		r.add(ctx, p)
		if r.halt != nil {
			break
		}
	}
	if r.cur != nil {
		if r.halt != nil {
			r.abandon(r.halt)
		} else {
			r.finish(ctx)
		}
	}
	return r.report(o, start)
}

// record appends the next input record and returns its index.
func (r *importRun) record(p Prospect, status batch.Status, err error) int {
	i := len(r.status)
	r.keys = append(r.keys, recordKey(r.c.cfg.version, r.op, &p))
	r.status = append(r.status, 0)
	r.settle(i, status, err)
	return i
}

// add validates p and writes its row into the open import, uploading the
// batch file when it is full and finishing the import when it has
// MaxImportBatches files or p needs another header.
func (r *importRun) add(ctx context.Context, p Prospect) {
	v := r.c.cfg.version
	i := r.record(p, 0, nil)
	key := r.keys[i]
	if err := validate(v, r.op, &p); err != nil {
		r.settle(i, batch.Failed, err)
		return
	}
	if _, repeated := r.index[key]; repeated && key != "" {
		r.settle(i, batch.Failed, localError("import", vendorkit.Duplicate, fmt.Sprintf(
			"identifier %q appears earlier in this call; one import applies each prospect once", key)))
		return
	}
	r.index[key] = int32(i)
	layout := layoutOf(v, r.op, &p)
	if r.cur != nil && !r.cur.layout.holds(layout) {
		r.finish(ctx)
	}
	if r.cur == nil {
		r.cur = r.newOpenImport(layout, i)
	}
	r.scratch = r.cur.layout.appendRow(r.scratch[:0], r.op, &p)
	limit := r.c.importFileBytes()
	if len(r.cur.header)+len(r.scratch) > limit {
		r.settle(i, batch.Failed, localError("import", vendorkit.Invalid, fmt.Sprintf(
			"the prospect's row takes %d bytes, over the Import API's %d-byte batch file", len(r.scratch), limit)))
		return
	}
	if r.cur.inFile > 0 && r.cur.csvBytes+len(r.scratch) > limit {
		if !r.upload(ctx) {
			if r.halt != nil {
				r.settle(i, batch.NotAttempted, r.halt)
				return
			}
			r.cur = r.newOpenImport(layout, i)
		} else if r.cur.batches == MaxImportBatches {
			r.finish(ctx)
			r.cur = r.newOpenImport(layout, i)
		}
	}
	r.cur.write(r.scratch)
	r.cur.rows++
	r.status[i] = pending
}
