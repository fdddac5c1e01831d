package hubspot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"time"

	"github.com/crmbatch/crmbatch/internal/httpx"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// importsPath is the Imports API root (HubSpot's v3 imports, documented
// beside the date-versioned /crm/imports/2026-03 with the same bodies).
const importsPath = "/crm/v3/imports"

// importRequestJSON is the importRequest form field of POST /crm/v3/imports.
type importRequestJSON struct {
	Name             string            `json:"name"`
	ImportOperations map[string]string `json:"importOperations"`
	Files            []importFileJSON  `json:"files"`
}

// importFileJSON describes the one file of an import.
type importFileJSON struct {
	FileName       string         `json:"fileName"`
	FileFormat     string         `json:"fileFormat"`
	FileImportPage importPageJSON `json:"fileImportPage"`
}

// importPageJSON maps the file's columns to properties.
type importPageJSON struct {
	HasHeader      bool                `json:"hasHeader"`
	ColumnMappings []columnMappingJSON `json:"columnMappings"`
}

// columnMappingJSON maps one column. ColumnType marks the column that
// identifies the record: HUBSPOT_OBJECT_ID (record id) or
// HUBSPOT_ALTERNATE_ID (a unique property).
type columnMappingJSON struct {
	ColumnObjectTypeID string `json:"columnObjectTypeId"`
	ColumnName         string `json:"columnName"`
	PropertyName       string `json:"propertyName"`
	ColumnType         string `json:"columnType,omitempty"`
}

// importJSON is HubSpot's answer to creating or reading an import
// (PublicImportResponse).
type importJSON struct {
	ID       string `json:"id"`
	State    string `json:"state"`
	Metadata struct {
		Counters map[string]int `json:"counters"`
	} `json:"metadata"`
}

// importErrorJSON is one entry of GET /crm/v3/imports/{id}/errors
// (PublicImportError).
type importErrorJSON struct {
	ID                string `json:"id"`
	ErrorType         string `json:"errorType"`
	ErrorMessage      string `json:"errorMessage"`
	InvalidValue      string `json:"invalidValue"`
	KnownColumnNumber int    `json:"knownColumnNumber"`
	SourceData        struct {
		RowData    []string `json:"rowData"`
		LineNumber int      `json:"lineNumber"`
	} `json:"sourceData"`
}

// importErrorsPage is one page of an import's errors.
type importErrorsPage struct {
	Results []importErrorJSON `json:"results"`
	Paging  *struct {
		Next *struct {
			After string `json:"after"`
		} `json:"next"`
	} `json:"paging"`
}

// importStates: STARTED, PROCESSING and DEFERRED are still running; DONE,
// FAILED, CANCELED and REVERTED are final.
const (
	stateDone     = "DONE"
	stateFailed   = "FAILED"
	stateCanceled = "CANCELED"
	stateReverted = "REVERTED"
)

// finalState reports whether an import in state s will change no more.
func finalState(s string) bool {
	switch s {
	case stateDone, stateFailed, stateCanceled, stateReverted:
		return true
	}
	return false
}

// bearer returns the Authorization header value, registering a new token
// as a secret.
func (c *Client) bearer(ctx context.Context, op string) (string, error) {
	tok, err := vendorkit.Token(ctx, c.tokens)
	if err != nil {
		return "", tokenError(op, err, c.http.RedactError)
	}
	if tok == nil || tok.AccessToken == "" {
		return "", tokenError(op, errors.New("token source returned no access token"), c.http.RedactError)
	}
	c.secrets.Add(tok.AccessToken)
	return "Bearer " + tok.AccessToken, nil
}

// multipartBody frames a file as the form HubSpot takes: the importRequest
// field, then the files field holding the CSV. It returns what goes before
// and after the file's bytes, and the content type.
func multipartBody(req []byte, fileName string) (head, tail []byte, contentType string, err error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("importRequest", string(req)); err != nil {
		return nil, nil, "", err
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="files"; filename=%q`, fileName))
	h.Set("Content-Type", "text/csv")
	if _, err := mw.CreatePart(h); err != nil {
		return nil, nil, "", err
	}
	head = bytes.Clone(buf.Bytes())
	buf.Reset()
	if err := mw.Close(); err != nil {
		return nil, nil, "", err
	}
	return head, bytes.Clone(buf.Bytes()), mw.FormDataContentType(), nil
}

// startImport uploads one CSV file: POST /crm/v3/imports. The body is read
// from the file as it is sent, never held in memory (httpx's BodyFrom), and
// the request's timeout is the client's plus a second per MiB sent.
func (c *Client) startImport(ctx context.Context, op string, req importRequestJSON, f *os.File, size int64) (*importJSON, error) {
	auth, err := c.bearer(ctx, op)
	if err != nil {
		return nil, err
	}
	js, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	head, tail, ctype, err := multipartBody(js, req.Files[0].FileName)
	if err != nil {
		return nil, err
	}
	timeout := c.http.HTTPClient().Timeout
	if timeout > 0 {
		timeout += time.Duration(size>>20) * time.Second
	}
	resp, err := c.http.Do(ctx, &httpx.Request{
		Method: http.MethodPost, URL: c.cfg.BaseURL + importsPath,
		Header: http.Header{"Content-Type": {ctype}, "Accept": {"application/json"}, "Authorization": {auth}},
		BodyFrom: func() (io.Reader, error) {
			return io.MultiReader(bytes.NewReader(head), io.NewSectionReader(f, 0, size), bytes.NewReader(tail)), nil
		},
		ContentLength: int64(len(head)) + size + int64(len(tail)),
		Timeout:       timeout,
	})
	if err != nil {
		// The upload may have reached HubSpot: an import may exist.
		e := vendorkit.FromTransport[Code](vendor, op, err)
		if e.Class == vendorkit.Unavailable {
			e.Class = vendorkit.Unknown // an import is never created twice
		}
		e.Message = "no answer to the import upload"
		return nil, &Error{APIError: e}
	}
	c.noteRateLimit(resp.Header, time.Now())
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, c.responseError(opCreate, op, resp)
	}
	var out importJSON
	if err := json.Unmarshal(resp.Body, &out); err != nil || out.ID == "" {
		if err == nil {
			err = errors.New("no import id in the answer")
		}
		return nil, malformedAnswer(opCreate, op, resp.StatusCode, c.http.RedactError(err))
	}
	return &out, nil
}

// getJSON sends one GET of the Imports API through httpx and decodes a 2xx
// answer into out.
func (c *Client) getJSON(ctx context.Context, op, path string, query url.Values, out any) error {
	auth, err := c.bearer(ctx, op)
	if err != nil {
		return err
	}
	u := c.cfg.BaseURL + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	h := http.Header{"Accept": {"application/json"}, "Authorization": {auth}}
	resp, err := c.http.Do(ctx, &httpx.Request{Method: http.MethodGet, URL: u, Header: h, Idempotent: true})
	if err != nil {
		return &Error{APIError: vendorkit.FromTransport[Code](vendor, op, err)}
	}
	c.noteRateLimit(resp.Header, time.Now())
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.responseError(opRead, op, resp)
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return malformedAnswer(opRead, op, resp.StatusCode, c.http.RedactError(err))
	}
	return nil
}
