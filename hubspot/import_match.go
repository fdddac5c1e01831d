package hubspot

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
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
		state, err := r.poll(ctx, p)
		if err != nil {
			p.unconfirmed = r.unknown(p, "its state could not be read", err)
			continue
		}
		if err := r.readErrors(ctx, p); err != nil {
			p.unconfirmed = r.unknown(p, "its errors could not all be read", err)
			continue
		}
		if state != stateDone {
			p.unconfirmed = r.unknown(p, "it ended "+state, nil)
		}
	}
}

// unknown is the error of the rows of import p that nothing confirms.
func (r *importRun) unknown(p *importPart, why string, cause error) *Error {
	return &Error{APIError: vendorkit.APIError[Code]{Vendor: vendor, Op: r.label, Class: vendorkit.Unknown, Err: cause,
		Message: fmt.Sprintf("import %s does not confirm the record: %s", p.id, why)}}
}

// poll reads import p's state until it is final, waiting PollInterval,
// then twice as long each time, up to MaxImportPollInterval.
func (r *importRun) poll(ctx context.Context, p *importPart) (string, error) {
	wait := r.ic.PollInterval
	path := importsPath + "/" + url.PathEscape(p.id)
	for {
		if err := vendorkit.Sleep(ctx, wait); err != nil {
			return "", err
		}
		var imp importJSON
		if err := r.do(ctx, func() error { return r.o.c.getJSON(ctx, "GET "+importsPath+"/{importId}", path, nil, &imp) }); err != nil {
			return "", err
		}
		if finalState(imp.State) {
			return imp.State, nil
		}
		wait = min(2*wait, MaxImportPollInterval)
	}
}

// readErrors reads every page of import p's errors and indexes them by
// the id value of their row (sourceData.rowData, whose first cell is the
// id column) or, for an error without row data, by its line number.
func (r *importRun) readErrors(ctx context.Context, p *importPart) error {
	p.byLine, p.byKey = map[int]*Error{}, map[string]*Error{}
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
			if err := r.place(p, &page.Results[i]); err != nil {
				return err
			}
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

// place indexes one error. An error that names no row of the file cannot
// be placed: the import's other rows are then not confirmed.
func (r *importRun) place(p *importPart, ie *importErrorJSON) error {
	e := r.rowError(ie)
	if rd := ie.SourceData.RowData; len(rd) > 0 {
		p.byKey[strings.ToLower(rd[0])] = e
		return nil
	}
	// Line 1 is the header: data row n is line n+1.
	row := ie.SourceData.LineNumber - 1
	if row < 1 || row > p.file.rows {
		return fmt.Errorf("hubspot: an error of import %s names line %d, outside the file's %d rows", p.id, ie.SourceData.LineNumber, p.file.rows)
	}
	p.byLine[row] = e
	return nil
}

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
			rd = r.reader(pi)
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
		case p.byKey[strings.ToLower(cells[0])] != nil:
			s.err = p.byKey[strings.ToLower(cells[0])]
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

// reader opens part pi's file from its first data row.
func (r *importRun) reader(pi int) *csv.Reader {
	f := r.parts[pi].file.f
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return csv.NewReader(strings.NewReader(""))
	}
	rd := csv.NewReader(bufio.NewReaderSize(f, 64<<10))
	rd.ReuseRecord = true
	_, _ = rd.Read() // the header
	return rd
}

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
				res[i].Err = chunk[i].err
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
