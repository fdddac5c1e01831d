package noojee

import (
	"strconv"
	"strings"
	"time"

	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// Code is a CampaignAPI result code, as listed in the InsertLeadFast and
// UpdateLeadFast documentation. In an Error the zero Code means the answer
// carried none (CodeOK is never an error's code).
type Code int

// The documented result codes. The names keep the vendor's spelling
// (DISPOSTION sic).
const (
	// CodeOK (0): the lead was inserted or updated.
	CodeOK Code = 0
	// CodeCouldntFindTheLead (101): for an update, njExternalLeadId matched no lead.
	CodeCouldntFindTheLead Code = 101
	// CodeNoPhoneFields (102): the lead has none of the template's phone fields.
	CodeNoPhoneFields Code = 102
	// CodeException (103): a server error (HTTP 500); sent again a few times.
	CodeException Code = 103
	// CodeDNC (104): the lead's phone numbers are on the Do-Not-Call list.
	CodeDNC Code = 104
	// CodeDuplicate (105): a lead with this phone number already exists.
	CodeDuplicate Code = 105
	// CodeInvalidDisposition (106): the supplied disposition does not exist.
	CodeInvalidDisposition Code = 106
	// CodeDispositionNotSetAndNoChange (107): <No Change> was given for the
	// disposition of a lead that has none.
	CodeDispositionNotSetAndNoChange Code = 107
	// CodeImportButNoChange (108): an insert contained <No Change>, which is
	// only valid for updates.
	CodeImportButNoChange Code = 108
	// CodeTooManyConcurrentRequests (109): the server was too busy and the
	// call timed out in its queue (HTTP 400); sent again after a wait.
	CodeTooManyConcurrentRequests Code = 109
	// CodeConflict (110): the update conflicted with a person's edit; never
	// sent again, it needs manual action.
	CodeConflict Code = 110
	// CodeInvalidTimezone (111): unknown Contact Hours (njContactHours).
	CodeInvalidTimezone Code = 111
	// CodeDuplicateExternalID (112): njExternalLeadId already exists in the campaign.
	CodeDuplicateExternalID Code = 112
	// CodeInvalidCallbackDateFormat (114): njCallBackDate is not yyyy/MM/dd HH:mm.
	CodeInvalidCallbackDateFormat Code = 114
	// CodeAllocationIDRequired (115): no valid allocation id (fAllocationId).
	CodeAllocationIDRequired Code = 115
	// CodeTemplateIDRequired (116): no valid campaign template id (fTemplateId).
	CodeTemplateIDRequired Code = 116
	// CodeCampaignIDRequired (117): no valid campaign id (fCampaignId).
	CodeCampaignIDRequired Code = 117
)

// busyWait is the wait after a 109 when the answer carries no Retry-After.
// The code table says only "wait a bit and then retry"; the InsertLeadFast
// page's Retries section says "if an insert fails then wait a couple of
// minutes before retrying" (pageId=49152014, 38600709). The page's figure
// is followed: every call sharing the limiter holds back 2 minutes. A 109
// comes after a call has queued a minute, so the server is well behind.
const busyWait = 2 * time.Minute

// exceptionSends is how many times a lead answered 103 is sent in all:
// Noojee says to call Support, so a 103 is tried twice more and no further.
const exceptionSends = 3

// codes is the one table that says what each documented code means to the
// engine and the caller (the code's vendor name is in codeNames). A code
// not in it keeps the class of its HTTP status.
var codes = vendorkit.Codes[Code]{
	CodeCouldntFindTheLead:           {Class: vendorkit.NotFound, Meaning: "For an update, the njExternalLeadId didn't match a lead."},
	CodeNoPhoneFields:                {Class: vendorkit.Invalid, Meaning: "The lead doesn't contain any fields designated as phone number fields."},
	CodeException:                    {Class: vendorkit.Unavailable, MaxAttempts: exceptionSends, Meaning: "A server error occurred."},
	CodeDNC:                          {Class: vendorkit.Rejected, Meaning: "The lead's phone numbers are on the DNC list."},
	CodeDuplicate:                    {Class: vendorkit.Duplicate, Meaning: "There is already a lead with this phone number."},
	CodeInvalidDisposition:           {Class: vendorkit.Invalid, Meaning: "When updating, the supplied disposition doesn't exist."},
	CodeDispositionNotSetAndNoChange: {Class: vendorkit.Invalid, Meaning: "<NO CHANGE> was given for the disposition but the lead has none."},
	CodeImportButNoChange:            {Class: vendorkit.Invalid, Meaning: "Tried to insert a lead but a field contained '<NO CHANGE>', which is only valid for updates."},
	CodeTooManyConcurrentRequests:    {Class: vendorkit.RateLimited, Wait: busyWait, Meaning: "Too many concurrent insert/update API requests; wait a bit and retry."},
	CodeConflict:                     {Class: vendorkit.Rejected, Meaning: "The update conflicted with another update; manual intervention is needed."},
	CodeInvalidTimezone:              {Class: vendorkit.Invalid, Meaning: "The lead contained an unknown Contact Hours (timezone)."},
	CodeDuplicateExternalID:          {Class: vendorkit.Duplicate, Meaning: "The value passed via njExternalLeadId already exists in the Campaign."},
	CodeInvalidCallbackDateFormat:    {Class: vendorkit.Invalid, Meaning: "The supplied callback date is in an invalid format."},
	CodeAllocationIDRequired:         {Class: vendorkit.Invalid, Meaning: "A valid Allocation ID was not passed in."},
	CodeTemplateIDRequired:           {Class: vendorkit.Invalid, Meaning: "A valid Campaign Template ID was not passed in."},
	CodeCampaignIDRequired:           {Class: vendorkit.Invalid, Meaning: "A valid Campaign ID was not passed in."},
}

// codeNames are the vendor's names of its codes, as its answers and the
// bulk summary's Error Reason column may spell them.
var codeNames = map[Code]string{
	CodeOK: "OK", CodeCouldntFindTheLead: "COULDNT_FIND_THE_LEAD", CodeNoPhoneFields: "NO_PHONE_FIELDS",
	CodeException: "EXCEPTION", CodeDNC: "DNC", CodeDuplicate: "DUPLICATE", CodeInvalidDisposition: "INVALID_DISPOSTION",
	CodeDispositionNotSetAndNoChange: "DISPOSTION_ISNT_SET_AND_NOCHANGE_SPECIFIED",
	CodeImportButNoChange:            "IMPORT_BUT_NOCHANGE_SPECIFIED", CodeTooManyConcurrentRequests: "TIMEOUT_TOO_MANY_CONCURRENT_REQUESTS",
	CodeConflict: "LEAD_NOT_UPDATED_DUE_TO_CONFLICT", CodeInvalidTimezone: "INVALID_TIMEZONE_SPECIFIED",
	CodeDuplicateExternalID: "DUPLICATE_EXTERNAL_ID", CodeInvalidCallbackDateFormat: "INVALID_CALLBACK_DATE_FORMAT",
	CodeAllocationIDRequired: "ALLOCATION_ID_REQUIRED", CodeTemplateIDRequired: "TEMPLATE_ID_REQUIRED",
	CodeCampaignIDRequired: "CAMPAIGN_ID_REQUIRED",
}

// requestCodes concern the call (its query), not one lead: halving the
// call would not help.
func isRequestCode(c Code) bool {
	return c == CodeAllocationIDRequired || c == CodeTemplateIDRequired || c == CodeCampaignIDRequired
}

// String returns "104 DNC", or just the number for an undocumented code.
func (c Code) String() string {
	if n, ok := codeNames[c]; ok {
		return strconv.Itoa(int(c)) + " " + n
	}
	return strconv.Itoa(int(c))
}

// codeByName finds a documented code by its name, ignoring case and
// surrounding space.
func codeByName(name string) (Code, bool) {
	name = strings.TrimSpace(name)
	for c, n := range codeNames {
		if strings.EqualFold(n, name) {
			return c, true
		}
	}
	return 0, false
}
