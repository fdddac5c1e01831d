package pardot

import (
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// newOpenImport starts an import whose first row is input index first,
// writing into the run's one batch file buffer.
func (r *importRun) newOpenImport(l importLayout, first int) *openImport {
	if r.file.Cap() == 0 {
		r.file.Grow(r.c.importFileBytes() + 64<<10) // the file, the part headers and the input
	}
	m := &openImport{layout: l, header: l.header(), file: &r.file, first: first}
	m.startFile()
	return m
}

// startFile begins a batch file: the multipart part and the header row.
func (m *openImport) startFile() {
	m.file.Reset()
	m.mw = multipart.NewWriter(m.file)
	m.inFile, m.csvBytes = 0, 0
}

// importFileBytes is the most bytes of CSV one batch file holds.
func (c *Client) importFileBytes() int {
	if c.cfg.importFileBytes > 0 {
		return c.cfg.importFileBytes
	}
	return MaxImportBatchBytes
}

// write appends one row (the part's header and the CSV header first).
func (m *openImport) write(row []byte) {
	if m.inFile == 0 {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="prospects.csv"`)
		h.Set("Content-Type", "text/csv")
		w, _ := m.mw.CreatePart(h)
		_, _ = w.Write(m.header)
		m.csvBytes = len(m.header)
	}
	m.file.Write(row)
	m.csvBytes += len(row)
	m.inFile++
}

// upload sends the batch file: with the create request for the first
// file (the import is created then), to the import's batches after. A
// refusal abandons the import (nothing of an unsubmitted import is ever
// written) and reports false.
func (r *importRun) upload(ctx context.Context) bool {
	m := r.cur
	var err error
	if m.id == 0 {
		err = r.create(ctx)
	} else {
		err = r.addBatch(ctx)
	}
	if err != nil {
		r.abandon(err)
		return false
	}
	m.batches++
	m.startFile()
	return true
}

// closeFile ends the batch file's multipart body, adding the create
// request's "input" part when first, and returns the body and its type.
func (r *importRun) closeFile(withInput bool) ([]byte, string) {
	m := r.cur
	if withInput {
		in := importInput{Operation: "Upsert", Object: "Prospect"}
		createOnNoMatch := r.op != opUpdate
		in.CreateOnNoMatch = &createOnNoMatch
		for _, col := range m.layout.columns()[1:] {
			in.Columns = append(in.Columns, importColumn{Field: col})
		}
		doc, _ := json.Marshal(in)
		_ = m.mw.WriteField("input", string(doc))
	}
	_ = m.mw.Close()
	return m.file.Bytes(), m.mw.FormDataContentType()
}

// create is POST /api/v5/imports with the input and the first batch file.
func (r *importRun) create(ctx context.Context) error {
	body, ct := r.closeFile(true)
	resp, err := r.call(ctx, importRequest{op: "import create", method: http.MethodPost,
		url: r.c.cfg.BaseURL + importPath, contentType: ct, body: body})
	if err != nil {
		return err
	}
	st, err := r.decodeState("import create", resp.Body)
	if err != nil {
		return err
	}
	r.cur.id = st.ID
	return nil
}

// addBatch is POST /api/v5/imports/{id}/batches with one batch file.
func (r *importRun) addBatch(ctx context.Context) error {
	body, ct := r.closeFile(false)
	_, err := r.call(ctx, importRequest{op: "import batch", method: http.MethodPost,
		url: r.importURL() + "/batches", contentType: ct, body: body})
	return err
}

func (r *importRun) importURL() string {
	return r.c.cfg.BaseURL + importPath + "/" + strconv.FormatInt(r.cur.id, 10)
}

// decodeState reads a create, submit or status answer.
func (r *importRun) decodeState(op string, body []byte) (importState, error) {
	var st importState
	if err := json.Unmarshal(body, &st); err != nil || st.ID <= 0 {
		if err == nil {
			err = fmt.Errorf("no import id in the answer")
		}
		e := &Error{APIError: vendorkit.APIError[Code]{Vendor: "pardot", Op: op, HTTPStatus: http.StatusOK,
			Class: vendorkit.Malformed, Message: "the import answer could not be read", Err: r.c.secrets.RedactError(err)}}
		return st, e
	}
	return st, nil
}

// abandon ends the open import without submitting it: Pardot writes
// nothing of an import never submitted (it expires after 24 hours), so
// its rows are reported not attempted, with err. An error that stops the
// run (refused credentials, a spent quota) stops reading the input.
func (r *importRun) abandon(err error) {
	r.pendingRows(func(i int) { r.settle(i, batch.NotAttempted, err) })
	r.cur = nil
	if batch.StopsRun(err) && r.halt == nil {
		r.halt = err
	}
}
