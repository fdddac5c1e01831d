package pardot

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// finish uploads the open import's last batch file, submits the import,
// reads its status until Complete and places its errors file back on the
// input records. Rows of an import whose outcome cannot be learnt (the
// status read keeps failing, the context ends after the submit, the
// counts do not add up) fail with an error matching
// batch.ErrOutcomeUnknown: they are never reported succeeded.
func (r *importRun) finish(ctx context.Context) {
	m := r.cur
	if m.inFile > 0 && !r.upload(ctx) {
		return
	}
	defer func() { r.cur = nil }()
	if m.id == 0 {
		return // no row: nothing was created
	}
	st, err := r.submit(ctx)
	if err != nil {
		r.unknown(err)
		return
	}
	st, err = r.waitComplete(ctx, st)
	if err != nil {
		r.unknown(err)
		return
	}
	r.place(ctx, st)
}

// submit is PATCH /api/v5/imports/{id} {"status":"Ready"}. A lost answer
// is sent again: setting Ready twice is harmless. A refused submit leaves
// the import Open, so nothing is written: its rows are then reported not
// attempted (the error is returned nil with st.Status Open).
func (r *importRun) submit(ctx context.Context) (importState, error) {
	resp, err := r.call(ctx, importRequest{op: "import submit", method: http.MethodPatch, url: r.importURL(),
		contentType: "application/json", body: []byte(`{"status":"Ready"}`), idempotent: true})
	if err != nil {
		if e := (*Error)(nil); errors.As(err, &e) && e.Class != vendorkit.Unknown && e.HTTPStatus >= 400 && e.HTTPStatus < 500 {
			r.pendingRows(func(i int) { r.settle(i, batch.NotAttempted, err) })
			r.cur.done = true
			return importState{Status: importOpen}, nil
		}
		return importState{}, err
	}
	return r.decodeState("import submit", resp.Body)
}

// waitComplete reads the import's status (GET /api/v5/imports/{id}) until
// it is Complete, waiting importPoll and then twice as long each time, up
// to importPollMax.
func (r *importRun) waitComplete(ctx context.Context, st importState) (importState, error) {
	if r.cur.done {
		return st, nil
	}
	wait := importPoll
	read := false // st comes from a status read, which carries the counts
	for {
		switch {
		case st.IsExpired:
			return st, r.importFault("the import expired before its results were read")
		case st.Status == importComplete && read:
			return st, nil
		case st.Status == importComplete:
			wait = 0 // the submit's answer has no counts: read them now
		case st.Status != importReady && st.Status != importWaiting && st.Status != importProcessing:
			return st, r.importFault(fmt.Sprintf("the import is in state %q, not one of Ready, Waiting, Processing or Complete", st.Status))
		}
		if wait > 0 {
			if err := r.c.importWait(ctx, wait); err != nil {
				return st, transportError("import status", err)
			}
		}
		wait = min(max(2*wait, importPoll), importPollMax)
		resp, err := r.call(ctx, importRequest{op: "import status", method: http.MethodGet,
			url: r.importURL() + "?fields=" + url.QueryEscape(importStatusFields), idempotent: true})
		if err != nil {
			return st, err
		}
		if st, err = r.decodeState("import status", resp.Body); err != nil {
			return st, err
		}
		read = true
	}
}

// importFault is an Unknown error about the open import.
func (r *importRun) importFault(msg string) *Error {
	return &Error{APIError: vendorkit.APIError[Code]{Vendor: "pardot", Op: "import " + fmt.Sprint(r.cur.id),
		Class: vendorkit.Unknown, Message: msg}}
}

// unknown fails every row of the open import not yet settled with err,
// made to match batch.ErrOutcomeUnknown.
func (r *importRun) unknown(err error) {
	if r.cur.done {
		return
	}
	var e *Error
	if !errors.As(err, &e) || e.Class != vendorkit.Unknown {
		e = &Error{APIError: vendorkit.APIError[Code]{Vendor: "pardot", Op: "import " + fmt.Sprint(r.cur.id),
			Class: vendorkit.Unknown, Message: "the import was submitted but its outcome could not be read", Err: err}}
	}
	r.pendingRows(func(i int) { r.settle(i, batch.Failed, e) })
	if batch.StopsRun(err) && r.halt == nil {
		r.halt = err
	}
}

// place downloads the errors file of a Complete import (GET
// /api/v5/imports/{id}/errors) and fails each row it names, with
// Pardot's message; the other rows succeeded when the import's counts
// add up (created + updated + errors = rows sent and every error row was
// placed), and fail as unknown otherwise.
func (r *importRun) place(ctx context.Context, st importState) {
	m := r.cur
	if m.done {
		return
	}
	placed := 0
	if st.ErrorCount > 0 {
		resp, err := r.call(ctx, importRequest{op: "import errors", method: http.MethodGet,
			url: r.importURL() + "/errors", idempotent: true})
		if err != nil {
			r.unknown(err)
			return
		}
		n, err := r.placeErrors(resp.Body)
		if err != nil {
			r.unknown(err)
			return
		}
		placed = n
	}
	if st.CreatedCount+st.UpdatedCount+st.ErrorCount != m.rows || placed != st.ErrorCount {
		r.unknown(r.importFault(fmt.Sprintf("the import's counts do not add up: %d created + %d updated + %d errors (%d placed) for %d rows sent",
			st.CreatedCount, st.UpdatedCount, st.ErrorCount, placed, m.rows)))
		return
	}
	r.pendingRows(func(i int) { r.settle(i, batch.Succeeded, nil) })
}

// placeErrors fails the row each line of the errors file names and
// returns how many lines it placed. A line naming no row of the import is
// not placed (the counts then do not add up).
func (r *importRun) placeErrors(body []byte) (int, error) {
	m := r.cur
	cr := csv.NewReader(bytes.NewReader(body))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return 0, r.importFault("the errors file has no header: " + r.c.secrets.Redact(err.Error()))
	}
	keys := newErrorRowKey(header, m.layout.match)
	if keys.message < 0 {
		return 0, r.importFault("the errors file has no error column (header " + r.c.secrets.Redact(strings.Join(header, ",")) + ")")
	}
	placed := 0
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return placed, nil
		}
		if err != nil {
			return placed, r.importFault("the errors file could not be read: " + r.c.secrets.Redact(err.Error()))
		}
		key, msg := keys.key(row)
		at, ok := r.index[key]
		i := int(at)
		if !ok || i < m.first || r.status[i] != pending {
			continue
		}
		msg = r.c.secrets.Redact(msg)
		e := codeError("import "+fmt.Sprint(m.id), http.StatusOK, inferCode(msg), msg, r.c.secrets.Redact(key), "")
		if e.Class == vendorkit.Rejected {
			e.Class = vendorkit.Invalid
		}
		r.settle(i, batch.Failed, e)
		placed++
	}
}
