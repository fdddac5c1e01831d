package hubspot

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// HubSpot's documented import limits (Knowledge Base, "Set up import
// files", Starter, Professional and Enterprise accounts): files up to
// 512 MB, at most 1,048,576 rows per file (the header is one of them),
// 500 imports per rolling 24 hours.
const (
	// MaxImportFileBytes is the largest CSV file one import carries.
	MaxImportFileBytes = 512 << 20
	// MaxImportRows is the most records one import file carries: HubSpot's
	// 1,048,576 rows per file, less the header row.
	MaxImportRows = 1_048_575
	// MaxImportsPerDay is HubSpot's limit of imports per rolling 24 hours;
	// a run that would need more files is refused before any request.
	MaxImportsPerDay = 500
	// DefaultImportPollInterval is the first wait between two reads of an
	// import's state; each wait doubles, up to MaxImportPollInterval.
	DefaultImportPollInterval = 5 * time.Second
	// MaxImportPollInterval bounds the wait between two state reads.
	MaxImportPollInterval = time.Minute
	// importErrorsPageSize is the limit asked for per page of errors.
	importErrorsPageSize = 100
)

// ImportConfig tunes the import path (see WithImports and ImportUpsert).
//
// The wire shapes and limits come from HubSpot's documents (read 2026-11):
// developers.hubspot.com/docs/api-reference/legacy/crm/imports/guide
// (POST /crm/v3/imports as multipart/form-data with an importRequest text
// field and a files file field; name, importOperations, files[].fileName,
// fileFormat, fileImportPage.hasHeader and columnMappings with
// columnObjectTypeId, columnName, propertyName, columnType);
// developers.hubspot.com/docs/api-reference/latest/crm/imports/create-import
// and …/get-import-errors (PublicImportResponse with state STARTED,
// PROCESSING, DONE, FAILED, CANCELED, DEFERRED or REVERTED; errors paged
// with paging.next.after, each with errorType, errorMessage, invalidValue
// and sourceData.rowData and lineNumber); knowledge.hubspot.com/import-and-export/set-up-your-import-file
// (512 MB and 1,048,576 rows per file, 500 imports per rolling 24 hours
// on paid accounts; 20 MB and 50 imports on free tools: lower MaxFileBytes
// there).
//
// Choices where the documents are silent: an error is placed on its
// record by its lineNumber, counting the header as line 1, else (no
// lineNumber) by the id cell of its rowData (asked for with
// includeRowData=true), matched against the rows of the file sent. When
// an error has both and the row at its line does not hold its id, it is
// placed nowhere (a line count one off must not fail a neighbour). Values
// with line breaks are refused so that lines are rows.
//
// How an import's rows are confirmed: a row an error is placed on fails
// with that error, whatever else happens. The other rows of an import
// succeed only when it ended DONE, every error read was placed on a row
// of its file, and its counters add up; else they fail matching
// batch.ErrOutcomeUnknown, never succeeded. An error naming a line
// outside the file, or an id no row of the file holds, makes the rows of
// its own import unconfirmed (the other imports of the call keep their
// answers). The counters are those of the DONE answer's
// metadata.counters, whose documented keys (GET /crm/v3/imports/{importId}
// reference, developers.hubspot.com/docs/api-reference/crm-imports-v3/core/get-crm-v3-imports-importId,
// example {"TOTAL_ROWS":2,"CREATED_OBJECTS":1,"UPDATED_OBJECTS":1,
// "UNIQUE_OBJECTS_WRITTEN":2,"PROPERTY_VALUES_EMITTED":2}; PublicImportMetadata:
// "summarized outcomes of each row") are read as: TOTAL_ROWS must be the
// rows sent, and CREATED_OBJECTS + UPDATED_OBJECTS (a key absent counts
// 0) must lie between the rows without an error and TOTAL_ROWS (HubSpot
// still writes some rows that have an error: "some rows with errors are
// still imported", knowledge.hubspot.com, troubleshoot import errors).
// ERRORS is not
// among the documented keys: when an answer carries it, it must be the
// number of errors listed. An answer without TOTAL_ROWS is not checked:
// its rows are confirmed by its errors alone, as HubSpot lists them.
// Pages of errors
// are asked 100 at a time (no maximum is documented). The upload's
// timeout is the client's plus a second per MiB. The imports API is
// reached at /crm/v3/imports whatever WithAPIVersion says: its bodies are
// those of the dated /crm/imports/2026-03.
type ImportConfig struct {
	// Threshold sends an Update or Upsert of at least this many records
	// through HubSpot's Imports API instead of the batch endpoints; 0 (the
	// default) never does. ImportUpdate and ImportUpsert always do. To
	// decide, a call holds up to Threshold records in memory before
	// sending any.
	//
	// Imports are slow to start (HubSpot queues them for minutes) and cost
	// a handful of requests whatever their size, so a threshold in the tens
	// of thousands keeps the fast batch path for everyday loads.
	Threshold int
	// PollInterval is the first wait between reads of an import's state;
	// default DefaultImportPollInterval. Each wait doubles, up to
	// MaxImportPollInterval, and a Retry-After is honoured.
	PollInterval time.Duration
	// MaxRows and MaxFileBytes cut the input into several imports; default
	// and most MaxImportRows and MaxImportFileBytes.
	MaxRows      int
	MaxFileBytes int64
	// TempDir holds the CSV files while they are written and sent; default
	// os.TempDir(). Each is removed when the call returns.
	TempDir string
}

// withDefaults fills the zero fields.
func (ic ImportConfig) withDefaults() ImportConfig {
	if ic.PollInterval <= 0 {
		ic.PollInterval = DefaultImportPollInterval
	}
	if ic.MaxRows <= 0 {
		ic.MaxRows = MaxImportRows
	}
	if ic.MaxFileBytes <= 0 {
		ic.MaxFileBytes = MaxImportFileBytes
	}
	return ic
}

// check refuses values outside HubSpot's limits.
func (ic ImportConfig) check() error {
	switch {
	case ic.Threshold < 0:
		return errors.New("hubspot: WithImports: negative Threshold")
	case ic.MaxRows < 0 || ic.MaxRows > MaxImportRows:
		return fmt.Errorf("hubspot: WithImports: MaxRows %d outside 1..%d", ic.MaxRows, MaxImportRows)
	case ic.MaxFileBytes < 0 || ic.MaxFileBytes > MaxImportFileBytes:
		return fmt.Errorf("hubspot: WithImports: MaxFileBytes %d outside 1..%d", ic.MaxFileBytes, MaxImportFileBytes)
	case ic.PollInterval < 0:
		return errors.New("hubspot: WithImports: negative PollInterval")
	}
	return nil
}

// importObjectTypeIDs are the object type ids of the standard objects an
// import's columnObjectTypeId and importOperations name.
var importObjectTypeIDs = map[string]string{
	"contacts": "0-1", "companies": "0-2", "deals": "0-3", "tickets": "0-5",
	"products": "0-7", "line_items": "0-8", "leads": "0-136",
}

// importTypeID returns the object type id of t: a type id as given
// ("0-1", "2-123456"), or a standard object's name.
func importTypeID(t string) (string, error) {
	if id, ok := importObjectTypeIDs[strings.ToLower(t)]; ok {
		return id, nil
	}
	if a, b, ok := strings.Cut(t, "-"); ok && a != "" && b != "" && strings.Trim(a+b, "0123456789") == "" {
		return t, nil
	}
	return "", fmt.Errorf("the Imports API names object types by id: use Objects(%q) with its type id (such as \"2-123456\")", t)
}

// ImportUpsert upserts every input through HubSpot's Imports API: the
// records are written to CSV files as they are read (one import per
// MaxImportRows rows or MaxImportFileBytes bytes), each file is sent with
// POST /crm/v3/imports (importOperations UPSERT, the IDProperty column as
// HUBSPOT_ALTERNATE_ID), its state is polled until it ends, and its errors
// are read (GET /crm/v3/imports/{id}/errors, paged) and placed back on
// their input records. It returns the same report and error as Upsert.
//
// What differs from Upsert: a few requests instead of one per 100
// records (a million records take one import), but minutes of latency
// (HubSpot queues imports), and less detail: a succeeded record's Result
// is empty (an import answers no object), and a failed record's error
// carries HubSpot's import errorType as Code and its errorMessage. Every
// input must name the same IDProperty, and the CSV's columns are the
// first valid record's properties: a later record with another property,
// or a value holding a line break, is refused before sending
// (batch.ErrInvalid). A key repeated in the input is not refused (that
// would take memory for every key): the rows are applied in input order.
// ObjectWriteTraceID plays no part (an import has no such column).
// Config.OnOutcome and OnProgress are called once the imports have
// ended, with the import's request counts. Records an import never confirms (it
// ended FAILED, CANCELED or REVERTED, its state or errors could not be
// read, an error names no row of its file, its counters do not add up,
// the context ended first) fail matching batch.ErrOutcomeUnknown; they
// are never reported succeeded (see ImportConfig for the rule).
func (o *Objects) ImportUpsert(ctx context.Context, in iter.Seq[UpsertInput]) (*batch.Report[Result], error) {
	return o.importWrite(ctx, opUpsert, in)
}

// ImportUpdate updates every input through HubSpot's Imports API
// (importOperations UPDATE), by record id (a HUBSPOT_OBJECT_ID column) or,
// when the inputs name an IDProperty, by that unique property. See
// ImportUpsert for what differs from Update.
func (o *Objects) ImportUpdate(ctx context.Context, in iter.Seq[UpdateInput]) (*batch.Report[Result], error) {
	return o.importWrite(ctx, opUpdate, in)
}

// viaImport reports whether a call over in goes through the Imports API
// (the threshold is set and in holds at least that many records), and
// returns the sequence to read in its place and the function that ends
// the reading of in.
func (o *Objects) viaImport(in iter.Seq[UpdateInput]) (iter.Seq[UpdateInput], bool, func()) {
	n := o.c.cfg.imports.Threshold
	if n <= 0 || in == nil {
		return in, false, func() {}
	}
	return vendorkit.AtLeast(in, n)
}

// importWrite is ImportUpdate and ImportUpsert.
func (o *Objects) importWrite(ctx context.Context, kind opKind, in iter.Seq[UpdateInput]) (*batch.Report[Result], error) {
	r := newImportRun(o, kind)
	defer r.cleanup()
	if in == nil {
		in = func(func(UpdateInput) bool) {}
	}
	for rec := range in {
		if !r.add(ctx, rec) {
			r.incomplete = true
			break
		}
	}
	if r.halt == nil {
		r.flush(ctx)
	} else if r.cur != nil && r.cur.rows > 0 {
		// Rows written to a file that will not be sent.
		r.parts = append(r.parts, &importPart{file: r.cur, sendErr: r.halt})
		r.cur = nil
	}
	r.settle(ctx)
	return r.report(ctx)
}

// importOperation is the importOperations value of a kind.
func importOperation(kind opKind) string {
	if kind == opUpsert {
		return "UPSERT"
	}
	return "UPDATE"
}

// localFailure is a record refused before sending.
type localFailure struct {
	key string
	err error
}

// importPart is one import: a CSV file and what became of it.
type importPart struct {
	file *csvFile
	id   string
	// sendErr fails every row: the file was never accepted (or may have
	// been: then it is an unknown outcome).
	sendErr error
	// unconfirmed fails the rows no error names: the import did not end
	// DONE, its errors could not all be read or placed, or its counters
	// do not add up.
	unconfirmed error
	byLine      map[int]*Error    // data row (from 1) → error
	byKey       map[string]*Error // lower-cased id value → error, until resolveKeys
	lineKey     map[int]string    // data row → the id its error's rowData names, until resolveKeys
	listed      int               // errors read
	unplaced    int               // errors read that name no row of the file
}

// importRun is one ImportUpdate or ImportUpsert call.
type importRun struct {
	o        *Objects
	kind     opKind
	label    string
	ic       ImportConfig
	typeID   string
	typeErr  error
	ks       *keys
	start    time.Time
	idProp   string // the IDProperty every record names
	header   []string
	cur      *csvFile
	parts    []*importPart
	local    map[int]localFailure
	total    int
	requests int
	retries  int
	halt     error // why no further import is started
	// incomplete: the input was not read to its end.
	incomplete bool
}

func newImportRun(o *Objects, kind opKind) *importRun {
	label := o.objectType + " import/" + strings.ToLower(importOperation(kind))
	r := &importRun{o: o, kind: kind, label: label, ic: o.c.cfg.imports.withDefaults(),
		ks: &keys{op: label}, start: time.Now(), local: map[int]localFailure{}}
	r.typeID, r.typeErr = importTypeID(o.objectType)
	return r
}

// refuse fails record idx before sending.
func (r *importRun) refuse(idx int, key string, err error) {
	r.local[idx] = localFailure{key: key, err: err}
}

// add validates one record and writes it to the current file, sending the
// file first when the record would not fit in it. It reports false when
// the input is not to be read further.
func (r *importRun) add(ctx context.Context, rec UpdateInput) bool {
	idx := r.total
	r.total++
	key := updateKey(rec)
	if err := r.check(rec); err != nil {
		r.refuse(idx, key, err)
		return true
	}
	if r.header == nil {
		r.startHeader(rec)
	}
	if r.cur == nil && !r.open(idx) {
		r.refuse(idx, key, r.halt)
		return false
	}
	if missing := r.cur.encodeRow(rec.ID, rec.Properties); missing != "" {
		r.refuse(idx, key, invalid(r.label, "property %q is not among the import's columns (%s): an import's columns are those of its first record", missing, strings.Join(r.header[1:], ", ")))
		return true
	}
	if r.cur.rows >= r.ic.MaxRows || r.cur.count.n+4096+r.cur.rowSize() > r.ic.MaxFileBytes {
		if r.cur.rows == 0 {
			r.refuse(idx, key, invalid(r.label, "record larger than an import file (%d bytes)", r.ic.MaxFileBytes))
			return true
		}
		row := slices.Clone(r.cur.row)
		if !r.send(ctx) || !r.open(idx) {
			r.refuse(idx, key, r.halt)
			return false
		}
		copy(r.cur.row, row)
	}
	if err := r.cur.writeRow(); err != nil {
		r.halt = fmt.Errorf("hubspot: writing the import file: %w", err)
		r.refuse(idx, key, r.halt)
		return false
	}
	return true
}

// check is the record's validation before sending: that of Update and
// Upsert, but for repeated keys (see ImportUpsert), and what a CSV file
// and one import need.
func (r *importRun) check(rec UpdateInput) error {
	if r.typeErr != nil {
		return invalid(r.label, "%v", r.typeErr)
	}
	if strings.TrimSpace(rec.ID) == "" {
		return invalid(r.label, "input has no id")
	}
	if r.kind == opUpsert && strings.TrimSpace(rec.IDProperty) == "" {
		return invalid(r.label, "upsert input has no idProperty")
	}
	if err := checkProperties(r.label, rec.Properties, ""); err != nil {
		return err
	}
	if r.header != nil && rec.IDProperty != r.idProp {
		return invalid(r.label, "idProperty %q differs from the import's %q: one import identifies every record the same way", rec.IDProperty, r.idProp)
	}
	if hasLineBreak(rec.ID) {
		return invalid(r.label, "id holds a line break, which an import file cannot carry")
	}
	for k, v := range rec.Properties {
		if hasLineBreak(v) || hasLineBreak(k) {
			return invalid(r.label, "property %q holds a line break, which an import file cannot carry", k)
		}
		if rec.IDProperty != "" && k == rec.IDProperty && v != rec.ID {
			return invalid(r.label, "property %q differs from the id the record is identified by", k)
		}
	}
	return nil
}

// startHeader fixes the columns from the first valid record: the id
// column, then its properties in name order.
func (r *importRun) startHeader(rec UpdateInput) {
	r.idProp = rec.IDProperty
	idCol := rec.IDProperty
	if idCol == "" {
		idCol = "hs_object_id"
	}
	props := make([]string, 0, len(rec.Properties))
	for k := range rec.Properties {
		if k != idCol {
			props = append(props, k)
		}
	}
	slices.Sort(props)
	r.header = append([]string{idCol}, props...)
}

// open starts a new file whose first record is input idx.
func (r *importRun) open(idx int) bool {
	if len(r.parts) >= MaxImportsPerDay {
		r.halt = localError(r.label, vendorkit.Quota, "the input needs more than %d imports, HubSpot's limit per 24 hours", MaxImportsPerDay)
		return false
	}
	f, err := newCSVFile(r.ic.TempDir, r.header, idx)
	if err != nil {
		r.halt = fmt.Errorf("hubspot: creating the import file: %w", err)
		return false
	}
	r.cur = f
	return true
}

// flush sends the file being written, if it holds any row.
func (r *importRun) flush(ctx context.Context) {
	if r.cur != nil && r.cur.rows > 0 {
		r.send(ctx)
	}
}

// send finishes the current file and starts its import. It reports false
// when no further import should be started.
func (r *importRun) send(ctx context.Context) bool {
	f := r.cur
	r.cur = nil
	p := &importPart{file: f}
	r.parts = append(r.parts, p)
	size, err := f.finish()
	if err != nil {
		p.sendErr = fmt.Errorf("hubspot: writing the import file: %w", err)
		r.halt = p.sendErr
		return false
	}
	req := importRequestJSON{
		Name:             fmt.Sprintf("crmbatch %s %s part %d", r.o.objectType, strings.ToLower(importOperation(r.kind)), len(r.parts)),
		ImportOperations: map[string]string{r.typeID: importOperation(r.kind)},
		Files: []importFileJSON{{FileName: fmt.Sprintf("crmbatch-%d.csv", len(r.parts)), FileFormat: "CSV",
			FileImportPage: importPageJSON{HasHeader: true, ColumnMappings: r.mappings()}}},
	}
	op := "POST " + importsPath
	err = r.do(ctx, func() error {
		imp, err := r.o.c.startImport(ctx, op, req, f.f, size)
		if err == nil {
			p.id = imp.ID
		}
		return err
	})
	if err != nil {
		p.sendErr = err
		if batch.StopsRun(err) || ctx.Err() != nil {
			r.halt = err
			return false
		}
	}
	return true
}

// mappings maps every column to its property; the first identifies the
// record.
func (r *importRun) mappings() []columnMappingJSON {
	out := make([]columnMappingJSON, len(r.header))
	for i, h := range r.header {
		out[i] = columnMappingJSON{ColumnObjectTypeID: r.typeID, ColumnName: h, PropertyName: h}
	}
	out[0].ColumnType = "HUBSPOT_ALTERNATE_ID"
	if r.idProp == "" {
		out[0].ColumnType = "HUBSPOT_OBJECT_ID"
	}
	return out
}

// do sends one request (through f) as the engine would: after the
// client's limiter (and a slot of it, when it bounds requests in flight),
// sent again on an answer that wrote nothing and asks for it (429, 503,
// 423, 477 …) after its Retry-After or the retry policy's backoff, up to
// the policy's attempts. The limiter is told of every wait the server
// asks for; a wait longer than the policy's MaxRetryAfter is not made.
func (r *importRun) do(ctx context.Context, f func() error) error {
	eng := r.o.c.cfg.Engine
	policy := eng.Retry.WithDefaults()
	for attempt := 1; ; attempt++ {
		err := r.once(ctx, attempt, f)
		if err == nil || !batch.IsRetryable(err) || attempt >= policy.MaxAttempts {
			return err
		}
		wait := batch.RetryAfterOf(err)
		if wait > policy.MaxRetryAfter {
			return errors.Join(batch.ErrRetryAfterTooLong, err)
		}
		if p, ok := eng.Limiter.(batch.Pauser); ok && wait > 0 {
			p.PauseUntil(time.Now().Add(wait))
		}
		if wait <= 0 {
			wait = policy.Backoff(attempt)
		}
		if err := vendorkit.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// once sends one attempt through the limiter, counting it.
func (r *importRun) once(ctx context.Context, attempt int, f func() error) error {
	l := r.o.c.cfg.Engine.Limiter
	if l != nil {
		if err := l.Wait(ctx); err != nil {
			return err
		}
		if sl, ok := l.(batch.SlotLimiter); ok {
			release, err := sl.Acquire(ctx)
			if err != nil {
				return err
			}
			defer release()
		}
	}
	r.requests++
	if attempt > 1 {
		r.retries++
	}
	return f()
}

// cleanup removes the files.
func (r *importRun) cleanup() {
	if r.cur != nil {
		r.cur.remove()
	}
	for _, p := range r.parts {
		p.file.remove()
	}
}
