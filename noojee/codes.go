package noojee

import (
	"fmt"
	"net/http"
	"strings"
)

// Code is a CampaignAPI result code, as listed in the InsertLeadFast and
// UpdateLeadFast documentation.
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
	// CodeException (103): a server error (HTTP 500); retried a few times.
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
	// call timed out in its queue (HTTP 400); retried with backoff.
	CodeTooManyConcurrentRequests Code = 109
	// CodeConflict (110): the update conflicted with a person's edit; never
	// retried, it needs manual action.
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

	// CodeUnknown marks an answer that carried no result code (for example
	// an HTTP 401 with a plain body). It is not a vendor code.
	CodeUnknown Code = -1
)

// Class groups codes by what a caller (and the retry logic) does about them.
type Class int

// The classes.
const (
	// ClassUnknown: a code this package does not know; the lead fails.
	ClassUnknown Class = iota
	// ClassOK: success.
	ClassOK
	// ClassBusy: the server was too busy (109); send again after a wait.
	ClassBusy
	// ClassServer: the server failed (103); send again a bounded number of times.
	ClassServer
	// ClassConflict: a person edited the lead (110); never retried, needs manual action.
	ClassConflict
	// ClassLead: the server refused this lead for its content (101, 102,
	// 104–108, 111, 112, 114); sending it again will not help.
	ClassLead
	// ClassRequest: the call itself was malformed (115–117: a campaign id
	// missing); every lead of the call fails.
	ClassRequest
	// ClassAuth: the server refused the credentials (HTTP 401/403); the run stops.
	ClassAuth
	// ClassEndpoint: the server has no such operation (HTTP 404 without a
	// result code); the run stops. A 404 from the bulk insertLeadsFast
	// instead turns InsertLeads to insertLeadFast.
	ClassEndpoint
)

var classNames = [...]string{"unknown", "ok", "busy", "server", "conflict", "lead", "request", "auth", "endpoint"}

// String returns the class's lower-case name.
func (c Class) String() string {
	if c >= 0 && int(c) < len(classNames) {
		return classNames[c]
	}
	return fmt.Sprintf("Class(%d)", int(c))
}

// codeInfo is one row of the vendor's table.
type codeInfo struct {
	name   string
	status int
	class  Class
	desc   string
}

var codeTable = map[Code]codeInfo{
	CodeOK:                           {"OK", http.StatusOK, ClassOK, "The lead was successfully inserted or updated."},
	CodeCouldntFindTheLead:           {"COULDNT_FIND_THE_LEAD", http.StatusBadRequest, ClassLead, "For an update, the njExternalLeadId didn't match a lead."},
	CodeNoPhoneFields:                {"NO_PHONE_FIELDS", http.StatusBadRequest, ClassLead, "The lead doesn't contain any fields designated as phone number fields."},
	CodeException:                    {"EXCEPTION", http.StatusInternalServerError, ClassServer, "A server error occurred."},
	CodeDNC:                          {"DNC", http.StatusBadRequest, ClassLead, "The lead's phone numbers are on the DNC list."},
	CodeDuplicate:                    {"DUPLICATE", http.StatusBadRequest, ClassLead, "There is already a lead with this phone number."},
	CodeInvalidDisposition:           {"INVALID_DISPOSTION", http.StatusBadRequest, ClassLead, "When updating, the supplied disposition doesn't exist."},
	CodeDispositionNotSetAndNoChange: {"DISPOSTION_ISNT_SET_AND_NOCHANGE_SPECIFIED", http.StatusBadRequest, ClassLead, "<NO CHANGE> was given for the disposition but the lead has none."},
	CodeImportButNoChange:            {"IMPORT_BUT_NOCHANGE_SPECIFIED", http.StatusBadRequest, ClassLead, "Tried to insert a lead but a field contained '<NO CHANGE>', which is only valid for updates."},
	CodeTooManyConcurrentRequests:    {"TIMEOUT_TOO_MANY_CONCURRENT_REQUESTS", http.StatusBadRequest, ClassBusy, "Too many concurrent insert/update API requests; wait a bit and retry."},
	CodeConflict:                     {"LEAD_NOT_UPDATED_DUE_TO_CONFLICT", http.StatusBadRequest, ClassConflict, "The update conflicted with another update; manual intervention is needed."},
	CodeInvalidTimezone:              {"INVALID_TIMEZONE_SPECIFIED", http.StatusBadRequest, ClassLead, "The lead contained an unknown Contact Hours (timezone)."},
	CodeDuplicateExternalID:          {"DUPLICATE_EXTERNAL_ID", http.StatusBadRequest, ClassLead, "The value passed via njExternalLeadId already exists in the Campaign."},
	CodeInvalidCallbackDateFormat:    {"INVALID_CALLBACK_DATE_FORMAT", http.StatusBadRequest, ClassLead, "The supplied callback date is in an invalid format."},
	CodeAllocationIDRequired:         {"ALLOCATION_ID_REQUIRED", http.StatusBadRequest, ClassRequest, "A valid Allocation ID was not passed in."},
	CodeTemplateIDRequired:           {"TEMPLATE_ID_REQUIRED", http.StatusBadRequest, ClassRequest, "A valid Campaign Template ID was not passed in."},
	CodeCampaignIDRequired:           {"CAMPAIGN_ID_REQUIRED", http.StatusBadRequest, ClassRequest, "A valid Campaign ID was not passed in."},
}

// Codes returns every documented code, in ascending order.
func Codes() []Code {
	return []Code{CodeOK, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 114, 115, 116, 117}
}

// Known reports whether c is a documented code.
func (c Code) Known() bool { _, ok := codeTable[c]; return ok }

// Name returns the vendor's name for the code (e.g. "DNC"), or "" when unknown.
func (c Code) Name() string { return codeTable[c].name }

// HTTPStatus returns the HTTP status the vendor documents for the code, or 0.
func (c Code) HTTPStatus() int { return codeTable[c].status }

// Class returns the code's class; ClassUnknown for undocumented codes.
func (c Code) Class() Class {
	if info, ok := codeTable[c]; ok {
		return info.class
	}
	return ClassUnknown
}

// Description returns the vendor's description of the code, or "".
func (c Code) Description() string { return codeTable[c].desc }

// String returns "104 DNC", or just the number for an unknown code.
func (c Code) String() string {
	if c == CodeUnknown {
		return "no code"
	}
	if n := c.Name(); n != "" {
		return fmt.Sprintf("%d %s", int(c), n)
	}
	return fmt.Sprintf("%d", int(c))
}

// codeByName finds a documented code by its name, ignoring case and
// surrounding space.
func codeByName(name string) (Code, bool) {
	name = strings.TrimSpace(name)
	for c, info := range codeTable {
		if strings.EqualFold(info.name, name) {
			return c, true
		}
	}
	return 0, false
}
