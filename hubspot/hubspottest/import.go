package hubspottest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/internal/fakekit"
)

// The Imports API's documented limits, which the fake enforces (HubSpot
// Knowledge Base, "Set up import files"): a file of at most 512 MB and
// 1,048,576 rows (header included), 500 imports per rolling 24 hours.
const (
	MaxImportFileBytes = 512 << 20
	MaxImportFileRows  = 1_048_576
	MaxImportsPerDay   = 500
	// DefaultImportRowsPerSecond is how fast the fake's imports progress
	// on its clock (SetImportSpeed).
	DefaultImportRowsPerSecond = 1_000_000
	// maxErrorsPage is the largest page of errors the fake answers.
	maxErrorsPage = 500
)

// Import is one import as the fake holds it.
type Import struct {
	ID         string
	Name       string
	ObjectType string
	Operation  string // CREATE, UPDATE or UPSERT
	Rows       int    // data rows
	Created    int    // objects created
	Updated    int    // objects updated
	Errors     []ImportError
	CreatedAt  time.Time
	DoneAt     time.Time // when its state becomes final on the fake's clock
	FinalState string

	finished bool // every row applied
	rowsDone int  // rows applied so far
	quirks   ImportQuirks
}

// ImportError is one row error of an import (PublicImportError).
type ImportError struct {
	ID           string
	ErrorType    string
	ErrorMessage string
	InvalidValue string
	LineNumber   int // line 1 is the header
	RowData      []string
}

// importRequestBody is the importRequest form field as the fake reads it.
type importRequestBody struct {
	Name                        string            `json:"name"`
	ImportOperations            map[string]string `json:"importOperations"`
	DateFormat                  string            `json:"dateFormat"`
	MarketableContactImport     *bool             `json:"marketableContactImport"`
	CreateContactListFromImport *bool             `json:"createContactListFromImport"`
	Files                       []struct {
		FileName       string `json:"fileName"`
		FileFormat     string `json:"fileFormat"`
		FileImportPage struct {
			HasHeader      bool `json:"hasHeader"`
			ColumnMappings []struct {
				ColumnObjectTypeID string `json:"columnObjectTypeId"`
				ColumnName         string `json:"columnName"`
				PropertyName       string `json:"propertyName"`
				ColumnType         string `json:"columnType"`
				IDColumnType       string `json:"idColumnType"`
			} `json:"columnMappings"`
		} `json:"fileImportPage"`
	} `json:"files"`
}

// typeNames are the standard objects' type ids, as the fake stores them.
var typeNames = map[string]string{"0-1": "contacts", "0-2": "companies", "0-3": "deals", "0-5": "tickets",
	"0-7": "products", "0-8": "line_items", "0-136": "leads"}

// SetImportSpeed sets how many rows per second the fake's imports
// process on its clock (SetClock): an import is STARTED, then PROCESSING,
// and final once rows/n seconds have passed since it was created.
func (s *Server) SetImportSpeed(rowsPerSecond int) { fakekit.Set(&s.mu, &s.importSpeed, rowsPerSecond) }

// SetImportFinalState makes the imports created from now on end in state
// (FAILED, CANCELED or REVERTED) instead of DONE; "" restores DONE. Their
// rows are processed all the same (HubSpot may have written some).
func (s *Server) SetImportFinalState(state string) { fakekit.Set(&s.mu, &s.importFinal, state) }

// Imports returns the imports created, oldest first.
func (s *Server) Imports() []Import {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Import, len(s.imports))
	for i, im := range s.imports {
		out[i] = *im
	}
	return out
}

// isImportPath reports a path of the Imports API: /crm/v3/imports… or
// /crm/imports/{YYYY-MM}….
func isImportPath(p string) bool {
	return p == "/crm/v3/imports" || strings.HasPrefix(p, "/crm/v3/imports/") ||
		strings.HasPrefix(p, "/crm/imports/")
}

// importTail returns what follows the imports root: "", "{id}" or
// "{id}/errors".
func importTail(p string) string {
	if rest, ok := strings.CutPrefix(p, "/crm/v3/imports"); ok {
		return strings.TrimPrefix(rest, "/")
	}
	rest := strings.TrimPrefix(p, "/crm/imports/")
	_, tail, _ := strings.Cut(rest, "/")
	return tail
}

// serveImport answers the Imports API: POST (start an import), GET {id}
// (its state), GET {id}/errors (its row errors, paged).
func (s *Server) serveImport(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.stats.Requests++
	corr := s.correlationID()
	if auth := r.Header.Get("Authorization"); s.token == "" || auth != "Bearer "+s.token {
		s.stats.Unauthorized++
		s.mu.Unlock()
		writeJSON(w, http.StatusUnauthorized, errorBody{Status: "error", Message: "Authentication credentials not found.", CorrelationID: corr, Category: "INVALID_AUTHENTICATION"})
		return
	}
	fault, faulted := s.TakeFault()
	if faulted {
		s.stats.Faults++
	} else if limited := s.checkLimits(w, corr); limited != nil {
		s.stats.RateLimited++
		s.mu.Unlock()
		writeJSON(w, http.StatusTooManyRequests, limited)
		return
	}
	s.mu.Unlock()
	if faulted && !fault.AfterWrite && s.answerFault(w, r, fault, corr) {
		io.Copy(io.Discard, r.Body)
		return
	}
	var a answer
	tail := importTail(r.URL.Path)
	id, sub, _ := strings.Cut(tail, "/")
	switch {
	case tail == "" && r.Method == http.MethodPost:
		a = s.startImport(r, corr)
	case id != "" && sub == "" && r.Method == http.MethodGet:
		a = s.importState(id, corr)
	case id != "" && sub == "errors" && r.Method == http.MethodGet:
		a = s.importErrors(r, id, corr)
	default:
		a = answer{http.StatusNotFound, errorBody{Status: "error", Message: "Unable to route " + r.Method + " " + r.URL.Path, CorrelationID: corr, Category: "NOT_FOUND"}}
	}
	if faulted && fault.AfterWrite && s.answerFault(w, r, fault, corr) {
		return
	}
	writeJSON(w, a.status, a.body)
}

// startImport reads the multipart form as it arrives (the file is spooled
// to a temporary file, never held in memory), checks it and the limits,
// and processes every row at once; the state the client reads follows
// the fake's clock.
func (s *Server) startImport(r *http.Request, corr string) answer {
	defer io.Copy(io.Discard, r.Body)
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return answer{http.StatusUnsupportedMediaType, errorBody{Status: "error", Message: "Content-Type must be multipart/form-data", CorrelationID: corr}}
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return badRequest(corr, "Unable to read the multipart body: "+err.Error())
	}
	var req *importRequestBody
	var file *os.File
	defer func() {
		if file != nil {
			file.Close()
			os.Remove(file.Name())
		}
	}()
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return badRequest(corr, "Unable to read the multipart body: "+err.Error())
		}
		switch part.FormName() {
		case "importRequest":
			dec := json.NewDecoder(io.LimitReader(part, 1<<20))
			dec.DisallowUnknownFields()
			req = &importRequestBody{}
			if err := dec.Decode(req); err != nil {
				return badRequest(corr, "Invalid importRequest JSON: "+err.Error())
			}
		case "files":
			if file != nil {
				return badRequest(corr, "Only one file per import is supported")
			}
			if file, err = os.CreateTemp("", "hubspottest-import-*.csv"); err != nil {
				return answer{http.StatusInternalServerError, errorBody{Status: "error", Message: "spooling the file failed", CorrelationID: corr}}
			}
			n, err := io.Copy(file, io.LimitReader(part, MaxImportFileBytes+1))
			if err != nil {
				return badRequest(corr, "Unable to read the file: "+err.Error())
			}
			if n > MaxImportFileBytes {
				return badRequest(corr, fmt.Sprintf("The import file is larger than the limit of %d bytes", MaxImportFileBytes))
			}
		default:
			return badRequest(corr, fmt.Sprintf("Unknown form field %q: expected importRequest and files", part.FormName()))
		}
	}
	if req == nil || file == nil {
		return badRequest(corr, "An import needs an importRequest field and a files field")
	}
	plan, msg := checkImportRequest(req)
	if msg != "" {
		return badRequest(corr, msg)
	}
	rows, err := countLines(file)
	if err != nil {
		return badRequest(corr, "Unable to read the file")
	}
	if rows+1 > MaxImportFileRows { // the header is a row
		return badRequest(corr, fmt.Sprintf("The import file has more than %d rows", MaxImportFileRows))
	}
	job, msg := newImportJob(plan, file)
	if msg != "" {
		return badRequest(corr, msg)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	recent := 0
	for _, im := range s.imports {
		if now.Sub(im.CreatedAt) < 24*time.Hour {
			recent++
		}
	}
	if recent >= MaxImportsPerDay {
		return answer{http.StatusTooManyRequests, rateLimitBody{Status: "error", ErrorType: "RATE_LIMIT", CorrelationID: corr, PolicyName: "DAILY",
			GroupName: "hubspottest", Message: fmt.Sprintf("You have reached your daily limit of %d imports per rolling 24 hours.", MaxImportsPerDay)}}
	}
	speed := s.importSpeed
	if speed <= 0 {
		speed = DefaultImportRowsPerSecond
	}
	im := &Import{ID: strconv.Itoa(len(s.imports) + 91000001), Name: req.Name, ObjectType: plan.objectType, Operation: plan.op,
		CreatedAt: now, FinalState: "DONE", quirks: s.importQuirks}
	im.DoneAt = now.Add(time.Duration(float64(rows) / float64(speed) * float64(time.Second)))
	if s.importFinal != "" {
		im.FinalState = s.importFinal
	}
	s.imports = append(s.imports, im)
	s.stats.ByOp["import"]++
	file = nil // the job owns it now
	s.importJobs.Add(1)
	go s.runImport(im, job)
	return answer{http.StatusOK, s.importJSON(im, now)}
}

// countLines counts the data lines of f (lines after the header): an
// upper bound of its rows, as a quoted value may span lines.
func countLines(f *os.File) (int, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	buf := make([]byte, 64<<10)
	lines, last := 0, byte('\n')
	for {
		n, err := f.Read(buf)
		if n > 0 {
			lines += bytes.Count(buf[:n], []byte{'\n'})
			last = buf[n-1]
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	if last != '\n' {
		lines++
	}
	return max(lines-1, 0), nil
}

// Close shuts the fake down once the imports being processed are done.
func (s *Server) Close() {
	s.Base.Close()
	s.importJobs.Wait()
}

// importPlan is what a checked importRequest says.
type importPlan struct {
	objectType, op string
	idCol          int               // the column identifying the record
	idProperty     string            // "" for a record id (HUBSPOT_OBJECT_ID)
	columns        map[string]string // column name → property
}

// checkImportRequest checks the importRequest as HubSpot would; it
// returns a message when it refuses it.
func checkImportRequest(req *importRequestBody) (importPlan, string) {
	var p importPlan
	if strings.TrimSpace(req.Name) == "" {
		return p, "importRequest.name is required"
	}
	if len(req.Files) != 1 {
		return p, "importRequest.files must describe exactly the one file sent"
	}
	f := req.Files[0]
	if f.FileFormat != "CSV" && f.FileFormat != "SPREADSHEET" {
		return p, fmt.Sprintf("Unsupported fileFormat %q", f.FileFormat)
	}
	if f.FileFormat != "CSV" {
		return p, "the fake reads CSV files only"
	}
	if !f.FileImportPage.HasHeader {
		return p, "the fake needs hasHeader true: columns are mapped by name"
	}
	if len(req.ImportOperations) != 1 {
		return p, "importOperations must name one object type"
	}
	for typeID, op := range req.ImportOperations {
		p.objectType = typeNames[typeID]
		if p.objectType == "" {
			p.objectType = typeID
		}
		p.op = op
		switch op {
		case "CREATE", "UPDATE", "UPSERT":
		default:
			return p, fmt.Sprintf("Unknown import operation %q", op)
		}
		p.columns = map[string]string{}
		p.idCol = -1
		for _, m := range f.FileImportPage.ColumnMappings {
			if m.ColumnObjectTypeID != typeID {
				return p, fmt.Sprintf("columnObjectTypeId %q is not in importOperations", m.ColumnObjectTypeID)
			}
			if m.ColumnName == "" || m.PropertyName == "" {
				return p, "every column mapping needs columnName and propertyName"
			}
			p.columns[m.ColumnName] = m.PropertyName
			switch m.ColumnType {
			case "HUBSPOT_OBJECT_ID":
				p.idProperty = ""
				p.idCol = len(p.columns) - 1
				p.columns[m.ColumnName] = "\x00id"
			case "HUBSPOT_ALTERNATE_ID":
				p.idProperty = m.PropertyName
				p.idCol = len(p.columns) - 1
			case "":
			default:
				return p, fmt.Sprintf("Unsupported columnType %q", m.ColumnType)
			}
		}
	}
	if p.op != "CREATE" && p.idCol < 0 {
		return p, p.op + " needs a column with columnType HUBSPOT_OBJECT_ID or HUBSPOT_ALTERNATE_ID"
	}
	return p, ""
}

// importJob is an import's file being processed.
type importJob struct {
	f      *os.File
	rd     *csv.Reader
	header []string
	props  []string
	idCol  int
	plan   importPlan
}

// newImportJob reads the file's header and checks it against the column
// mappings; it returns a message when the file is refused as a whole.
func newImportJob(plan importPlan, f *os.File) (*importJob, string) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, "Unable to read the file"
	}
	rd := csv.NewReader(bufio.NewReaderSize(f, 64<<10))
	rd.FieldsPerRecord = -1
	rd.ReuseRecord = true
	header, err := rd.Read()
	if err != nil {
		return nil, "The import file has no header row"
	}
	j := &importJob{f: f, rd: rd, header: append([]string(nil), header...), props: make([]string, len(header)), idCol: -1, plan: plan}
	for i, h := range j.header {
		prop, ok := plan.columns[h]
		if !ok {
			return nil, fmt.Sprintf("Column %q of the file has no column mapping", h)
		}
		j.props[i] = prop
		if prop == "\x00id" || (plan.idProperty != "" && prop == plan.idProperty) {
			j.idCol = i
		}
	}
	if plan.op != "CREATE" && j.idCol < 0 {
		return nil, "The identifying column is not in the file"
	}
	return j, ""
}

// runImport applies every row of the job's file, as HubSpot does after
// answering the upload, then removes the file.
func (s *Server) runImport(im *Import, j *importJob) {
	defer s.importJobs.Done()
	defer func() {
		j.f.Close()
		os.Remove(j.f.Name())
	}()
	op := strings.ToLower(j.plan.op)
	line := 1
	for {
		row, err := j.rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line++
		s.mu.Lock()
		s.importRow(im, j, op, line, row, err)
		s.mu.Unlock()
	}
	s.mu.Lock()
	im.finished = true
	if now := s.Now(); now.After(im.DoneAt) {
		im.DoneAt = now
	}
	s.mu.Unlock()
}

// importRow applies one row; the caller holds mu.
func (s *Server) importRow(im *Import, j *importJob, op string, line int, row []string, err error) {
	im.Rows++
	im.rowsDone = im.Rows
	if err != nil || len(row) != len(j.header) {
		im.Errors = append(im.Errors, ImportError{ID: strconv.Itoa(len(im.Errors) + 1), ErrorType: "INCORRECT_NUMBER_OF_COLUMNS",
			ErrorMessage: fmt.Sprintf("Expected %d columns but found %d", len(j.header), len(row)), LineNumber: line, RowData: append([]string(nil), row...)})
		return
	}
	in := writeInput{Properties: make(map[string]string, len(row))}
	for i, v := range row {
		switch {
		case i == j.idCol:
			in.ID, in.IDProperty = v, j.plan.idProperty
			if j.plan.idProperty != "" {
				in.Properties[j.plan.idProperty] = v // the column sets the value too
			}
		case v != "":
			in.Properties[j.props[i]] = v // an empty cell changes nothing
		}
	}
	var a answer
	if op == "create" {
		a = s.create(im.ObjectType, []writeInput{in}, false, s.Now(), "")
	} else {
		a = s.updateOrUpsert(im.ObjectType, op, []writeInput{in}, false, s.Now(), "")
	}
	ans, _ := a.body.(batchAnswer)
	if a.status >= 300 || len(ans.Errors) > 0 {
		im.Errors = append(im.Errors, rowError(len(im.Errors)+1, line, row, a))
		return
	}
	for _, res := range ans.Results {
		if res.New != nil && !*res.New || op == "update" {
			im.Updated++
		} else {
			im.Created++
		}
	}
}

// rowError turns the batch answer for one row into an import error: the
// nested detail's code (INVALID_EMAIL …) or the category as errorType.
func rowError(n, line int, row []string, a answer) ImportError {
	e := ImportError{ID: strconv.Itoa(n), LineNumber: line, RowData: append([]string(nil), row...), ErrorType: "INVALID_OBJECT"}
	switch b := a.body.(type) {
	case batchAnswer:
		if len(b.Errors) > 0 {
			se := b.Errors[0]
			e.ErrorType, e.ErrorMessage = se.Category, se.Message
			if len(se.Errors) > 0 && se.Errors[0].Code != "" {
				e.ErrorType, e.ErrorMessage = se.Errors[0].Code, se.Errors[0].Message
			}
		}
	case errorBody:
		e.ErrorType, e.ErrorMessage = b.Category, b.Message
	}
	return e
}

// importAnswer is PublicImportResponse.
type importAnswer struct {
	ID                  string          `json:"id"`
	State               string          `json:"state"`
	CreatedAt           string          `json:"createdAt"`
	UpdatedAt           string          `json:"updatedAt"`
	ImportName          string          `json:"importName"`
	ImportSource        string          `json:"importSource"`
	OptOutImport        bool            `json:"optOutImport"`
	MappedObjectTypeIDs []string        `json:"mappedObjectTypeIds"`
	Metadata            importMetadata  `json:"metadata"`
	ImportRequestJSON   json.RawMessage `json:"importRequestJson,omitempty"`
}

type importMetadata struct {
	Counters    map[string]int `json:"counters,omitempty"`
	FileIDs     []string       `json:"fileIds"`
	ObjectLists []any          `json:"objectLists"`
}

// state is the import's state at now on the fake's clock.
// An import is final once its rows are all applied and its time on the
// clock has passed; the rows it shows processed before that follow the
// clock, never ahead of the rows applied.
func (im *Import) state(now time.Time) (state string, processed int) {
	switch {
	case im.finished && !now.Before(im.DoneAt):
		return im.FinalState, im.Rows
	case !now.After(im.CreatedAt) || im.rowsDone == 0:
		return "STARTED", 0
	}
	frac := 1.0
	if d := im.DoneAt.Sub(im.CreatedAt); d > 0 {
		frac = min(float64(now.Sub(im.CreatedAt))/float64(d), 1)
	}
	return "PROCESSING", min(int(frac*float64(im.rowsDone)), im.rowsDone)
}

// importJSON is the import's answer at now; the caller holds mu.
func (s *Server) importJSON(im *Import, now time.Time) importAnswer {
	state, processed := im.state(now)
	counters := map[string]int{"TOTAL_ROWS": im.Rows}
	if state == im.FinalState {
		counters["CREATED_OBJECTS"], counters["UPDATED_OBJECTS"], counters["ERRORS"] = im.Created, im.Updated, len(im.Errors)
	} else {
		counters["PROCESSED_ROWS"] = processed
	}
	typeID := im.ObjectType
	for id, name := range typeNames {
		if name == im.ObjectType {
			typeID = id
		}
	}
	return importAnswer{ID: im.ID, State: state, CreatedAt: stamp(im.CreatedAt), UpdatedAt: stamp(now), ImportName: im.Name,
		ImportSource: "API", MappedObjectTypeIDs: []string{typeID},
		Metadata: importMetadata{Counters: im.counters(counters, state == im.FinalState), FileIDs: []string{im.ID + "1"}, ObjectLists: []any{}}}
}

// find returns the import with id; the caller holds mu.
func (s *Server) findImport(id string) *Import {
	for _, im := range s.imports {
		if im.ID == id {
			return im
		}
	}
	return nil
}

// importState answers GET /crm/v3/imports/{id}.
func (s *Server) importState(id, corr string) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	im := s.findImport(id)
	if im == nil {
		return answer{http.StatusNotFound, errorBody{Status: "error", Message: "Import " + id + " not found", CorrelationID: corr, Category: "OBJECT_NOT_FOUND"}}
	}
	s.stats.ByOp["import-state"]++
	return answer{http.StatusOK, s.importJSON(im, s.Now())}
}

// importErrorAnswer is PublicImportError.
type importErrorAnswer struct {
	ID           string `json:"id"`
	CreatedAt    int64  `json:"createdAt"`
	ErrorType    string `json:"errorType"`
	ErrorMessage string `json:"errorMessage,omitempty"`
	InvalidValue string `json:"invalidValue,omitempty"`
	ObjectType   string `json:"objectType"`
	SourceData   struct {
		RowData    []string `json:"rowData,omitempty"`
		LineNumber int      `json:"lineNumber"`
		FileID     int64    `json:"fileId"`
	} `json:"sourceData"`
}

type importErrorsAnswer struct {
	Results []importErrorAnswer `json:"results"`
	Paging  *struct {
		Next struct {
			After string `json:"after"`
			Link  string `json:"link"`
		} `json:"next"`
	} `json:"paging,omitempty"`
}

// importErrors answers GET /crm/v3/imports/{id}/errors?after=&limit=
// &includeErrorMessage=&includeRowData=: the errors of the rows processed
// so far, in line order.
func (s *Server) importErrors(r *http.Request, id, corr string) answer {
	q := r.URL.Query()
	limit := 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxErrorsPage {
			return badRequest(corr, fmt.Sprintf("limit must be 1 to %d", maxErrorsPage))
		}
		limit = n
	}
	start := 0
	if v := q.Get("after"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return badRequest(corr, "Invalid after cursor")
		}
		start = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	im := s.findImport(id)
	if im == nil {
		return answer{http.StatusNotFound, errorBody{Status: "error", Message: "Import " + id + " not found", CorrelationID: corr, Category: "OBJECT_NOT_FOUND"}}
	}
	s.stats.ByOp["import-errors"]++
	_, processed := im.state(s.Now())
	out := importErrorsAnswer{Results: []importErrorAnswer{}}
	i, listed := start, im.listed()
	for ; i < listed && len(out.Results) < limit; i++ {
		e := im.listedError(i)
		if im.Errors[i].LineNumber-1 > processed {
			break
		}
		a := importErrorAnswer{ID: e.ID, CreatedAt: im.CreatedAt.UnixMilli(), ErrorType: e.ErrorType, InvalidValue: e.InvalidValue,
			ObjectType: strings.ToUpper(strings.TrimSuffix(im.ObjectType, "s"))}
		if q.Get("includeErrorMessage") == "true" {
			a.ErrorMessage = e.ErrorMessage
		}
		if q.Get("includeRowData") == "true" {
			a.SourceData.RowData = e.RowData
		}
		a.SourceData.LineNumber = e.LineNumber
		out.Results = append(out.Results, a)
	}
	if i < listed && (im.Errors[i].LineNumber-1 <= processed) {
		out.Paging = &struct {
			Next struct {
				After string `json:"after"`
				Link  string `json:"link"`
			} `json:"next"`
		}{}
		out.Paging.Next.After = strconv.Itoa(i)
		out.Paging.Next.Link = "/crm/v3/imports/" + im.ID + "/errors?after=" + strconv.Itoa(i)
	}
	return answer{http.StatusOK, out}
}
