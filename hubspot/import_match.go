package hubspot

import (
	"context"
	"encoding/csv"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// settle polls every import sent until it ends, then reads its errors.
func (r *importRun) settle(ctx context.Context) {
	for _, p := range r.parts {
		if p.sendErr != nil {
			continue
		}
		imp, err := r.poll(ctx, p)
		if err != nil {
			p.unconfirmed = r.unknown(p, "its state could not be read", err)
			continue
		}
		// The errors read are placed even when not all could be.
		readErr := r.readErrors(ctx, p)
		keyErr := r.resolveKeys(p)
		switch {
		case readErr != nil:
			p.unconfirmed = r.unknown(p, "its errors could not all be read", readErr)
		case keyErr != nil:
			p.unconfirmed = r.unknown(p, "its errors could not be matched to the file sent", keyErr)
		case imp.State != stateDone:
			p.unconfirmed = r.unknown(p, "it ended "+imp.State, nil)
		case p.unplaced > 0:
			p.unconfirmed = r.unknown(p, fmt.Sprintf("%d of its %d errors name no row of the file sent", p.unplaced, p.listed), nil)
		default:
			if why := countsMismatch(p, imp.Metadata.Counters); why != "" {
				p.unconfirmed = r.unknown(p, why, nil)
			}
		}
	}
}

// countsMismatch checks a DONE import's counters against the file sent
// and the errors placed (see ImportConfig): it returns why they do not
// add up, or "" when they do or carry no TOTAL_ROWS.
func countsMismatch(p *importPart, counters map[string]int) string {
	total, ok := counters["TOTAL_ROWS"]
	if !ok {
		return ""
	}
	rows, created, updated, failed := p.file.rows, counters["CREATED_OBJECTS"], counters["UPDATED_OBJECTS"], len(p.byLine)
	errs, hasErrs := counters["ERRORS"]
	switch {
	case total != rows:
		return fmt.Sprintf("its counters do not add up: TOTAL_ROWS %d for %d rows sent", total, rows)
	case created < 0 || updated < 0 || created+updated > rows || created+updated+failed < rows:
		// A row with an error may still have been written (HubSpot:
		// "some rows with errors are still imported"), so the rows written
		// lie between the rows without an error and all the rows.
		return fmt.Sprintf("its counters do not add up: %d created + %d updated + %d rows with an error for %d rows sent", created, updated, failed, rows)
	case hasErrs && errs != p.listed:
		return fmt.Sprintf("its counters do not add up: ERRORS %d, %d errors listed", errs, p.listed)
	}
	return ""
}

// unknown is the error of the rows of import p that nothing confirms.
func (r *importRun) unknown(p *importPart, why string, cause error) *Error {
	return &Error{APIError: vendorkit.APIError[Code]{Vendor: vendor, Op: r.label, Class: vendorkit.Unknown, Err: cause,
		Message: fmt.Sprintf("import %s does not confirm the record: %s", p.id, why)}}
}

// poll reads import p's state until it is final, waiting PollInterval,
// then twice as long each time, up to MaxImportPollInterval, and returns
// the final answer.
func (r *importRun) poll(ctx context.Context, p *importPart) (*importJSON, error) {
	wait := r.ic.PollInterval
	path := importsPath + "/" + url.PathEscape(p.id)
	for {
		if err := vendorkit.Sleep(ctx, wait); err != nil {
			return nil, err
		}
		var imp importJSON
		if err := r.do(ctx, func() error { return r.o.c.getJSON(ctx, "GET "+importsPath+"/{importId}", path, nil, &imp) }); err != nil {
			return nil, err
		}
		if finalState(imp.State) {
			return &imp, nil
		}
		wait = min(2*wait, MaxImportPollInterval)
	}
}

// readErrors reads every page of import p's errors and places each (see
// place).
func (r *importRun) readErrors(ctx context.Context, p *importPart) error {
	p.byLine, p.byKey, p.lineKey = map[int]*Error{}, map[string]*Error{}, map[int]string{}
	path := importsPath + "/" + url.PathEscape(p.id) + "/errors"
	after := ""
	for {
		q := url.Values{"limit": {strconv.Itoa(importErrorsPageSize)}, "includeErrorMessage": {"true"}, "includeRowData": {"true"}}
		if after != "" {
			q.Set("after", after)
		}
		var page importErrorsPage
		if err := r.do(ctx, func() error {
			return r.o.c.getJSON(ctx, "GET "+importsPath+"/{importId}/errors", path, q, &page)
		}); err != nil {
			return err
		}
		for i := range page.Results {
			r.place(p, &page.Results[i])
		}
		if page.Paging == nil || page.Paging.Next == nil || page.Paging.Next.After == "" {
			return nil
		}
		if page.Paging.Next.After == after {
			return fmt.Errorf("hubspot: the errors of import %s page in a loop (after %q)", p.id, after)
		}
		after = page.Paging.Next.After
	}
}

// place indexes one error by its line number (line 1 is the header: data
// row n is line n+1) or, when it has none, by the id value of its row
// (sourceData.rowData, whose first cell is the id column), which
// resolveKeys matches against the file. An error naming a line outside
// the file, or neither a line nor an id, is counted unplaced.
func (r *importRun) place(p *importPart, ie *importErrorJSON) {
	p.listed++
	e := r.rowError(ie)
	switch line, rd := ie.SourceData.LineNumber, ie.SourceData.RowData; {
	case line != 0:
		if row := line - 1; row >= 1 && row <= p.file.rows {
			p.byLine[row] = e
			if len(rd) > 0 {
				// resolveKeys checks that the row holds this id: a line
				// number read one off would put the error on a neighbour.
				p.lineKey[row] = idKey(rd[0])
			}
		} else {
			p.unplaced++
		}
	case len(rd) > 0:
		p.byKey[idKey(rd[0])] = e
	default:
		p.unplaced++
	}
}

// resolveKeys places the errors indexed by id value on the rows of the
// file that hold it (every such row, the id being repeated), reading the
// file once when there are any; an id no row holds is counted unplaced. A
// row that already has an error by its line number keeps it.
func (r *importRun) resolveKeys(p *importPart) error {
	if len(p.byKey) == 0 && len(p.lineKey) == 0 {
		return nil
	}
	rd := p.file.reader()
	matched := make(map[string]bool, len(p.byKey))
	for row := 1; row <= p.file.rows; row++ {
		cells, err := rd.Read()
		if err != nil {
			return err
		}
		if len(cells) == 0 {
			continue
		}
		key := idKey(cells[0])
		if want, ok := p.lineKey[row]; ok && want != key {
			// The error's line and its row's id disagree: place it nowhere.
			delete(p.byLine, row)
			p.unplaced++
		}
		if e, ok := p.byKey[key]; ok {
			matched[key] = true
			if p.byLine[row] == nil {
				p.byLine[row] = e
			}
		}
	}
	p.unplaced += len(p.byKey) - len(matched)
	p.byKey, p.lineKey = nil, nil
	return nil
}

// idKey is an id cell as errors and file rows are matched by: HubSpot
// matches ids without regard to case, and may echo a value trimmed.
func idKey(id string) string { return strings.ToLower(strings.TrimSpace(id)) }

// rowError is the record's error for one import error: HubSpot's
// errorType as Code, its errorMessage as Message.
func (r *importRun) rowError(ie *importErrorJSON) *Error {
	redact := r.o.c.http.Redact
	msg := ie.ErrorMessage
	if msg == "" {
		msg = ie.ErrorType
	}
	class := vendorkit.Invalid
	switch t := strings.ToUpper(ie.ErrorType); {
	case strings.Contains(t, "NOT_FOUND"):
		class = vendorkit.NotFound
	case strings.Contains(t, "DUPLICATE") || strings.Contains(t, "ALREADY_EXISTS"):
		class = vendorkit.Duplicate
	}
	e := &Error{APIError: vendorkit.APIError[Code]{Vendor: vendor, Op: r.label, Code: Code(redact(ie.ErrorType)), Class: class,
		Message: redact(msg)}, ID: ie.ID}
	ctx := map[string][]string{}
	if ie.SourceData.LineNumber > 0 {
		ctx["lineNumber"] = []string{strconv.Itoa(ie.SourceData.LineNumber)}
	}
	if ie.InvalidValue != "" {
		ctx["invalidValue"] = []string{redact(ie.InvalidValue)}
	}
	if len(ctx) > 0 {
		e.Context = ctx
	}
	return e
}

// settled is one record's final answer, replayed through the engine.
type settled struct {
	key string
	err error
}

// outcomes yields every record read, in input order, with its final
// answer: refused before sending, failed by its import, or succeeded. The
// keys of sent records are read back from the import files.
func (r *importRun) outcomes(yield func(settled) bool) {
	pi, row := 0, 0
	var rd *csv.Reader
	for idx := range r.total {
		if lf, ok := r.local[idx]; ok {
			if !yield(settled{key: lf.key, err: lf.err}) {
				return
			}
			continue
		}
		for rd == nil || row >= r.parts[pi].file.rows {
			if rd != nil {
				pi++
			}
			if pi >= len(r.parts) {
				// Not reached: every record read is refused or in a file.
				yield(settled{err: fmt.Errorf("hubspot: record %d is in no import file", idx)})
				return
			}
			row = 0
			rd = r.parts[pi].file.reader()
		}
		row++
		p := r.parts[pi]
		cells, err := rd.Read()
		if err != nil || len(cells) == 0 {
			cells = []string{""}
		}
		s := settled{key: cells[0]}
		if r.idProp != "" {
			s.key = r.idProp + "=" + cells[0]
		}
		switch {
		case p.sendErr != nil:
			s.err = p.sendErr
		case p.byLine[row] != nil:
			s.err = p.byLine[row]
		case p.unconfirmed != nil:
			s.err = p.unconfirmed
		}
		if !yield(s) {
			return
		}
	}
}

// replayed is a settled record's error as report gives it to the engine:
// the same error (errors.Is and errors.As see through it), asking for no
// wait, no retry and no stop. The import has already acted on it (waited,
// stopped sending), and every record read must be accounted, those after
// it included: a part written after a refused one is still reported.
type replayed struct{ err error }

func (r *replayed) Error() string           { return r.err.Error() }
func (r *replayed) Unwrap() error           { return r.err }
func (*replayed) RetryAfter() time.Duration { return 0 }
func (*replayed) Retryable() bool           { return false }
func (*replayed) StopRun() bool             { return false }

// report accounts for every record through the engine (so that Keep,
// OnOutcome and OnProgress behave as on the batch path), then gives the
// report the import's own request counts and elapsed time.
func (r *importRun) report(ctx context.Context) (*batch.Report[Result], error) {
	cfg := r.o.c.cfg.Engine
	cfg.Limiter, cfg.RetryBudget, cfg.Concurrency = nil, nil, 1
	cfg.Retry = batch.RetryPolicy{MaxAttempts: 1}
	if on := cfg.OnProgress; on != nil {
		cfg.OnProgress = func(p batch.Progress) {
			p.Requests, p.Retries = r.requests, r.retries
			on(p)
		}
	}
	op := batch.Op[settled, Result]{
		Name:     vendor + " " + r.label,
		MaxItems: 1000,
		Key:      func(s settled) string { return s.key },
		Send: func(_ context.Context, chunk []settled) ([]batch.Result[Result], error) {
			res := make([]batch.Result[Result], len(chunk))
			for i := range chunk {
				if err := chunk[i].err; err != nil {
					res[i].Err = &replayed{err}
				}
			}
			return res, nil
		},
	}
	rep := batch.Run(context.WithoutCancel(ctx), op, cfg, iter.Seq[settled](r.outcomes))
	rep.Requests, rep.Retries = r.requests, r.retries
	rep.Elapsed = time.Since(r.start)
	err := rep.Err()
	if r.incomplete {
		rep.InputIncomplete = true
		err = rep.Err()
		if re, ok := err.(*batch.RunError); ok {
			re.Cause = r.halt
		}
	}
	return rep, err
}
