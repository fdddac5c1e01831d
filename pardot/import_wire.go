package pardot

import (
	"strconv"
	"strings"
)

// The Import API v5's documented limits (see the package doc, "Imports").
const (
	// MaxImportBatches is the most batches (CSV files) one import takes.
	MaxImportBatches = 10
	// MaxImportBatchBytes bounds one batch file: Pardot takes files
	// "smaller than 10 MB". The client fills a file up to this many bytes,
	// header row included.
	MaxImportBatchBytes = 10_000_000 - 1
)

// importPath is the Import API v5 collection.
const importPath = "/api/v5/imports"

// The import's states ("status" in v5): Open takes batches, Ready is what
// the client sets to submit it, Waiting and Processing come before
// Complete, when the counts and the errors file are ready.
const (
	importOpen       = "Open"
	importReady      = "Ready"
	importWaiting    = "Waiting"
	importProcessing = "Processing"
	importComplete   = "Complete"
)

// importStatusFields is the fields query of the status read.
const importStatusFields = "id,status,isExpired,createdCount,updatedCount,errorCount,errorsRef"

// importInput is the "input" part of the create request.
type importInput struct {
	Operation       string         `json:"operation"`
	Object          string         `json:"object"`
	CreateOnNoMatch *bool          `json:"createOnNoMatch,omitempty"`
	Columns         []importColumn `json:"columns,omitempty"`
}

// importColumn keeps an empty CSV value from erasing the prospect's value
// (nullOverwrite false), as the batch endpoints leave an unsent field
// unchanged.
type importColumn struct {
	Field         string `json:"field"`
	NullOverwrite bool   `json:"nullOverwrite"`
}

// importState is the answer of create, submit and status read.
type importState struct {
	ID           int64  `json:"id"`
	Status       string `json:"status"`
	IsExpired    bool   `json:"isExpired"`
	BatchesRef   string `json:"batchesRef,omitempty"`
	CreatedCount int    `json:"createdCount"`
	UpdatedCount int    `json:"updatedCount"`
	ErrorCount   int    `json:"errorCount"`
	ErrorsRef    string `json:"errorsRef,omitempty"`
}

// v5Error is the body of a refused v5 request.
type v5Error struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// The match columns of an import row: one per import, by the identifier
// the rows carry. A row whose match value is empty is created.
const (
	matchID           = "matchId"
	matchSalesforceID = "matchSalesforceId"
	matchEmail        = "matchEmail"
)

// importFields are the typed fields' v5 names in column order, each with
// its value as a CSV cell ("" when unset).
var importFields = []struct {
	name  string
	value func(p *Prospect) string
}{
	{"email", func(p *Prospect) string { return p.Email }},
	{"salutation", func(p *Prospect) string { return p.Salutation }},
	{"firstName", func(p *Prospect) string { return p.FirstName }},
	{"lastName", func(p *Prospect) string { return p.LastName }},
	{"company", func(p *Prospect) string { return p.Company }},
	{"website", func(p *Prospect) string { return p.Website }},
	{"jobTitle", func(p *Prospect) string { return p.JobTitle }},
	{"department", func(p *Prospect) string { return p.Department }},
	{"country", func(p *Prospect) string { return p.Country }},
	{"addressOne", func(p *Prospect) string { return p.AddressOne }},
	{"addressTwo", func(p *Prospect) string { return p.AddressTwo }},
	{"city", func(p *Prospect) string { return p.City }},
	{"state", func(p *Prospect) string { return p.State }},
	{"territory", func(p *Prospect) string { return p.Territory }},
	{"zip", func(p *Prospect) string { return p.Zip }},
	{"phone", func(p *Prospect) string { return p.Phone }},
	{"fax", func(p *Prospect) string { return p.Fax }},
	{"source", func(p *Prospect) string { return p.Source }},
	{"annualRevenue", func(p *Prospect) string { return p.AnnualRevenue }},
	{"employees", func(p *Prospect) string { return p.Employees }},
	{"industry", func(p *Prospect) string { return p.Industry }},
	{"yearsInBusiness", func(p *Prospect) string { return p.YearsInBusiness }},
	{"comments", func(p *Prospect) string { return p.Comments }},
	{"notes", func(p *Prospect) string { return p.Notes }},
	{"campaignId", func(p *Prospect) string { return formatID(p.CampaignID) }},
	{"userId", func(p *Prospect) string { return formatID(p.UserID) }},
	{"salesforceOwnerId", func(p *Prospect) string { return p.CRMOwnerFID }},
	{"isDoNotEmail", func(p *Prospect) string { return formatBool(p.IsDoNotEmail) }},
	{"isDoNotCall", func(p *Prospect) string { return formatBool(p.IsDoNotCall) }},
	{"optedOut", func(p *Prospect) string { return formatBool(p.OptedOut) }},
}

func formatID(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

func formatBool(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}

// appendCSVCell appends s as one CSV cell (RFC 4180): quoted when it holds
// a comma, a quote, a line break or leading or trailing space.
func appendCSVCell(dst []byte, s string) []byte {
	if s == "" || !strings.ContainsAny(s, ",\"\r\n") && s[0] != ' ' && s[len(s)-1] != ' ' {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}
