package pardottest

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// The Import API v5's documented limits, which the fake enforces.
const (
	// ImportMaxBatches is the most batch files one import takes.
	ImportMaxBatches = 10
	// ImportMaxFileBytes: a batch file must be smaller than 10 MB.
	ImportMaxFileBytes = 10_000_000
	// ImportDailyBatches is the default number of batches an account may
	// upload a day (SetImportDailyBatches).
	ImportDailyBatches = 1000
	// ImportOpenTTL is how long an import may stay Open before it expires.
	ImportOpenTTL = 24 * time.Hour
	// ImportResultTTL is how long a Complete import's results stay readable.
	ImportResultTTL = 7 * 24 * time.Hour
)

// ImportStats counts the Import API traffic.
type ImportStats struct {
	// Requests counts every Import API request, refused ones included.
	Requests int
	// Imports counts imports created, Batches batch files accepted.
	Imports, Batches int
	// Rows counts rows processed by Complete imports, ErrorRows those
	// that failed.
	Rows, ErrorRows int
	// StatusReads counts status reads.
	StatusReads int
}

// fakeImport is one import.
type fakeImport struct {
	id              int64
	status          string // Open, Waiting (Processing and Complete follow the clock)
	createOnNoMatch bool
	nullOverwrite   map[string]bool
	header          []string
	batches         int
	created         time.Time
	submitted       time.Time
	rows            [][]string // rows that passed the format rules (not kept in count-only mode)
	good            int        // their number
	errRows         []byte     // errors file body rows (CSV, with the error column)
	errCount        int
	done            bool // processed
	createdN        int
	updatedN        int
}

// SetImportTiming sets how long a submitted import stays Waiting and then
// Processing, on the fake's clock (SetClock), before it is Complete
// (default 0 and 0: Complete at the first status read).
func (s *Server) SetImportTiming(waiting, processing time.Duration) {
	s.mu.Lock()
	s.impWaiting, s.impProcessing = waiting, processing
	s.mu.Unlock()
}

// SetImportDailyBatches sets how many batch files the account may upload
// a day (default ImportDailyBatches) before the Import API answers 429
// with code 122.
func (s *Server) SetImportDailyBatches(n int) { fakekit.Set(&s.mu, &s.impDailyBatches, n) }

// AddCustomField makes name a valid import column (a custom field's API
// name): any other column that is not a standard field refuses the file.
func (s *Server) AddCustomField(name string) {
	s.mu.Lock()
	s.customFields[name] = true
	s.mu.Unlock()
}

// FailImportRow makes every import row whose email, matchEmail, matchId
// or matchSalesforceId is identifier (case-insensitive) fail with message
// in the errors file.
func (s *Server) FailImportRow(identifier, message string) {
	s.mu.Lock()
	s.impRowFaults[strings.ToLower(identifier)] = message
	s.mu.Unlock()
}

// ImportStats returns the Import API counters.
func (s *Server) ImportStats() ImportStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.impStats
}

// v5Fail writes a v5 error body {"code":…,"message":…}.
func v5Fail(w http.ResponseWriter, status, code int, msg string) {
	body, _ := json.Marshal(map[string]any{"code": code, "message": msg})
	fakekit.WriteBody(w, status, "application/json", string(body))
}

// v5Fault writes a fault's v5 error body: its Pardot code (HTTP 400
// unless the fault names a status), or its bare status.
func v5Fault(w http.ResponseWriter, f fakekit.Fault) {
	if f.Code == "" {
		v5Fail(w, f.Status, 0, http.StatusText(f.Status))
		return
	}
	status := f.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	code := fakekit.CodeNumber(f.Code)
	v5Fail(w, status, code, message(code))
}

// importGate checks what every Import API request must pass: a fault,
// the credentials (Salesforce OAuth only), the daily call budget. It
// answers and returns false when the request is refused.
func (s *Server) importGate(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	s.impStats.Requests++
	s.mu.Unlock()
	if f, ok := s.TakeFault(); ok {
		s.mu.Lock()
		s.stats.Faults++
		s.mu.Unlock()
		if f.Serve(w, r, "text/html", func() { v5Fault(w, f) }) {
			return false
		}
	}
	if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
		v5Fail(w, http.StatusUnauthorized, 126, "Invalid authentication mechanism: the Import API v5 takes a Salesforce access token")
		return false
	}
	if code := s.checkAuth(r); code != 0 {
		v5Fail(w, http.StatusUnauthorized, code, message(code))
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.daily > 0 {
		s.calls++
		if s.calls > s.daily {
			v5Fail(w, http.StatusTooManyRequests, 122, message(122))
			return false
		}
	}
	return true
}

// handleImports is POST /api/v5/imports: the "input" part (operation
// Upsert, object Prospect, optional status Ready, createOnNoMatch,
// columns) and optionally the first batch as the "file" part.
func (s *Server) handleImports(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		v5Fail(w, http.StatusMethodNotAllowed, 0, "method not allowed")
		return
	}
	if !s.importGate(w, r) {
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		v5Fail(w, http.StatusBadRequest, 0, "the request must be multipart/form-data")
		return
	}
	var in struct {
		Operation       string `json:"operation"`
		Object          string `json:"object"`
		Status          string `json:"status"`
		CreateOnNoMatch *bool  `json:"createOnNoMatch"`
		Columns         []struct {
			Field         string `json:"field"`
			NullOverwrite *bool  `json:"nullOverwrite"`
		} `json:"columns"`
	}
	imp := &fakeImport{status: "Open", createOnNoMatch: true, nullOverwrite: map[string]bool{}}
	sawInput, sawFile := false, false
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			v5Fail(w, http.StatusBadRequest, 0, "malformed multipart body")
			return
		}
		switch part.FormName() {
		case "input":
			if err := json.NewDecoder(io.LimitReader(part, 1<<20)).Decode(&in); err != nil {
				v5Fail(w, http.StatusBadRequest, 0, "input is not valid JSON")
				return
			}
			sawInput = true
		case "file":
			if msg := s.readBatch(imp, part); msg != "" {
				v5Fail(w, http.StatusBadRequest, 0, msg)
				return
			}
			sawFile = true
		default:
			v5Fail(w, http.StatusBadRequest, 0, "unexpected part "+strconv.Quote(part.FormName()))
			return
		}
	}
	switch {
	case !sawInput:
		v5Fail(w, http.StatusBadRequest, 0, "the input part is required")
		return
	case in.Operation != "Upsert":
		v5Fail(w, http.StatusBadRequest, 0, "operation must be Upsert")
		return
	case in.Object != "Prospect":
		v5Fail(w, http.StatusBadRequest, 0, "object must be Prospect")
		return
	case in.Status != "" && in.Status != "Ready":
		v5Fail(w, http.StatusBadRequest, 0, "status may only be Ready")
		return
	case in.Status == "Ready" && !sawFile:
		v5Fail(w, http.StatusBadRequest, 0, "an import submitted on create needs a file")
		return
	}
	if in.CreateOnNoMatch != nil {
		imp.createOnNoMatch = *in.CreateOnNoMatch
	}
	for _, c := range in.Columns {
		if imp.header != nil && !slices.Contains(imp.header, c.Field) {
			v5Fail(w, http.StatusBadRequest, 0, "columns names "+strconv.Quote(c.Field)+", which is not in the file")
			return
		}
		imp.nullOverwrite[c.Field] = c.NullOverwrite == nil || *c.NullOverwrite
	}
	s.mu.Lock()
	s.nextImport++
	imp.id = s.nextImport
	imp.created = s.Now()
	s.imports[imp.id] = imp
	s.impStats.Imports++
	if in.Status == "Ready" {
		imp.status, imp.submitted = "Waiting", s.Now()
	}
	body := s.importState(imp, "id,status,isExpired,batchesRef")
	s.mu.Unlock()
	fakekit.WriteBody(w, http.StatusCreated, "application/json", body)
}

// handleImport is GET (status read, with fields) and PATCH (submit:
// {"status":"Ready"}) on /api/v5/imports/{id}.
func (s *Server) handleImport(w http.ResponseWriter, r *http.Request) {
	imp, ok := s.importTarget(w, r, http.MethodGet, http.MethodPatch)
	if !ok {
		return
	}
	if r.Method == http.MethodGet {
		fields := r.URL.Query().Get("fields")
		if fields == "" {
			v5Fail(w, http.StatusBadRequest, 0, "the fields parameter is required")
			return
		}
		s.mu.Lock()
		s.impStats.StatusReads++
		body := s.importState(imp, fields)
		s.mu.Unlock()
		fakekit.WriteBody(w, http.StatusOK, "application/json", body)
		return
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		v5Fail(w, http.StatusUnsupportedMediaType, 0, "the body must be application/json")
		return
	}
	var in struct {
		Status string `json:"status"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&in); err != nil || in.Status != "Ready" {
		v5Fail(w, http.StatusBadRequest, 0, `the body must be {"status":"Ready"}`)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.expired(imp):
		v5Fail(w, http.StatusBadRequest, 0, "the import has expired")
		return
	case imp.status == "Open" && imp.batches == 0:
		v5Fail(w, http.StatusBadRequest, 0, "the import has no batch")
		return
	case imp.status == "Open":
		imp.status, imp.submitted = "Waiting", s.Now()
	}
	fakekit.WriteBody(w, http.StatusOK, "application/json", s.importState(imp, "id,status,isExpired"))
}

// handleImportBatches is POST /api/v5/imports/{id}/batches with one batch
// file as the "file" part; 204 when accepted.
func (s *Server) handleImportBatches(w http.ResponseWriter, r *http.Request) {
	imp, ok := s.importTarget(w, r, http.MethodPost)
	if !ok {
		return
	}
	s.mu.Lock()
	open := imp.status == "Open" && !s.expired(imp)
	s.mu.Unlock()
	if !open {
		v5Fail(w, http.StatusBadRequest, 0, "batches can be added to an Open import only")
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		v5Fail(w, http.StatusBadRequest, 0, "the request must be multipart/form-data")
		return
	}
	files := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil || part.FormName() != "file" || files > 0 {
			v5Fail(w, http.StatusBadRequest, 0, "the body must hold one file part")
			return
		}
		if msg := s.readBatch(imp, part); msg != "" {
			v5Fail(w, http.StatusBadRequest, 0, msg)
			return
		}
		files++
	}
	if files == 0 {
		v5Fail(w, http.StatusBadRequest, 0, "the file part is required")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleImportErrors is GET /api/v5/imports/{id}/errors: the errors file
// of a Complete import, its rows as sent with an "error" column after.
func (s *Server) handleImportErrors(w http.ResponseWriter, r *http.Request) {
	imp, ok := s.importTarget(w, r, http.MethodGet)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.status(imp) != "Complete" || s.expired(imp) {
		v5Fail(w, http.StatusBadRequest, 0, "errors are available once the import is Complete, until it expires")
		return
	}
	body := appendCSVRow(nil, append(slices.Clone(imp.header), "error"))
	body = append(body, imp.errRows...)
	w.Header().Set("Content-Type", "text/csv")
	_, _ = w.Write(body)
}

// importTarget admits a request on /api/v5/imports/{id}…: one of
// methods, through importGate, naming a known import (404 otherwise).
func (s *Server) importTarget(w http.ResponseWriter, r *http.Request, methods ...string) (*fakeImport, bool) {
	if !slices.Contains(methods, r.Method) {
		v5Fail(w, http.StatusMethodNotAllowed, 0, "method not allowed")
		return nil, false
	}
	if !s.importGate(w, r) {
		return nil, false
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	s.mu.Lock()
	imp := s.imports[id]
	s.mu.Unlock()
	if imp == nil {
		v5Fail(w, http.StatusNotFound, 0, "no import with id "+r.PathValue("id"))
		return nil, false
	}
	return imp, true
}
