package pardottest

import (
	"strconv"
	"strings"
)

// importColumns maps the Import API v5's prospect field names to the
// names the store keeps (the batch endpoints' API names), so a prospect
// reads back the same whichever path wrote it.
var importColumns = map[string]string{
	"email": "email", "salutation": "salutation", "firstName": "first_name", "lastName": "last_name",
	"company": "company", "website": "website", "jobTitle": "job_title", "department": "department",
	"country": "country", "addressOne": "address_one", "addressTwo": "address_two", "city": "city",
	"state": "state", "territory": "territory", "zip": "zip", "phone": "phone", "fax": "fax",
	"source": "source", "annualRevenue": "annual_revenue", "employees": "employees",
	"industry": "industry", "yearsInBusiness": "years_in_business", "comments": "comments",
	"notes": "notes", "campaignId": "campaign_id", "userId": "user_id",
	"salesforceOwnerId": "crm_owner_fid", "isDoNotEmail": "is_do_not_email",
	"isDoNotCall": "is_do_not_call", "optedOut": "opted_out",
}

// The match columns; a header may carry one.
var matchColumns = map[string]bool{"matchId": true, "matchSalesforceId": true, "matchEmail": true}

// Messages of the fake's per-row import errors, as they appear in the
// errors file's error column.
const (
	// MsgImportInvalidEmail: the row's email (or matchEmail) is not a
	// valid address.
	MsgImportInvalidEmail = "Invalid email address"
	// MsgImportEmailRequired: a row to create has no email.
	MsgImportEmailRequired = "Email is required to create a prospect"
	// MsgImportTooLong is the format of a value over 255 characters.
	MsgImportTooLong = "Field %s exceeds the maximum length of 255 characters"
	// MsgImportNotNumber is the format of a non-numeric id field.
	MsgImportNotNumber = "Field %s must be a number"
	// MsgImportNotBool is the format of a boolean field that is not true
	// or false.
	MsgImportNotBool = "Field %s must be true or false"
	// MsgImportColumns: the row's cell count differs from the header's.
	MsgImportColumns = "Row has a different number of columns than the header"
	// MsgImportNoMatch: an update row matched no prospect.
	MsgImportNoMatch = "No prospect matched the match value and createOnNoMatch is false"
	// MsgImportArchived: the row matched a prospect in the recycle bin.
	MsgImportArchived = "The matched prospect is in the recycle bin"
)

// checkImportRow applies the format rules to one row under header and
// returns its message, or "".
func checkImportRow(header, row []string) string {
	if len(row) != len(header) {
		return MsgImportColumns
	}
	for i, col := range header {
		v := row[i]
		if v == "" {
			continue
		}
		switch col {
		case "email", "matchEmail":
			if !validEmail(v) {
				return MsgImportInvalidEmail
			}
		case "matchId", "campaignId", "userId":
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				return sprintf(MsgImportNotNumber, col)
			}
		case "isDoNotEmail", "isDoNotCall", "optedOut":
			if v != "true" && v != "false" {
				return sprintf(MsgImportNotBool, col)
			}
		}
		if len(v) > 255 {
			return sprintf(MsgImportTooLong, col)
		}
	}
	return ""
}

func sprintf(format, arg string) string { return strings.Replace(format, "%s", arg, 1) }

// appendCSVRow appends row as one CSV line.
func appendCSVRow(dst []byte, row []string) []byte {
	for i, s := range row {
		if i > 0 {
			dst = append(dst, ',')
		}
		if !strings.ContainsAny(s, ",\"\r\n") {
			dst = append(dst, s...)
			continue
		}
		dst = append(dst, '"')
		dst = append(dst, strings.ReplaceAll(s, `"`, `""`)...)
		dst = append(dst, '"')
	}
	return append(dst, '\r', '\n')
}
