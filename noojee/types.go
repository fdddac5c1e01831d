package noojee

import (
	"time"
)

// NoChange is the keep-value token: on an update, a phone field or the
// disposition given as NoChange keeps its current value. The server also
// accepts it in other spellings ("<NO CHANGE>"); this package treats it
// case-insensitively and it is refused on inserts (code 108).
const NoChange = "<No Change>"

// CallBackLayout is the layout of njCallBackDate (yyyy/MM/dd HH:mm) in Go's
// time notation.
const CallBackLayout = "2006/01/02 15:04"

// The system field names the CampaignAPI reserves in a lead body.
const (
	// FieldExternalID is your reference for the lead (Lead.ExternalID).
	FieldExternalID = "njExternalLeadId"
	// FieldCallBackDate is when to dial the lead (Lead.CallBack).
	FieldCallBackDate = "njCallBackDate"
	// FieldPriority is the dialling priority, 0–100 (Lead.Priority).
	FieldPriority = "njPriority"
	// FieldContactHours names the lead's contact hours (Lead.ContactHours).
	FieldContactHours = "njContactHours"
	// FieldDisposition is the disposition set by an update (Lead.Disposition).
	FieldDisposition = "njDisposition"
)

// Target names the campaign leads go to. TemplateID, CampaignID and
// AllocationID are required (codes 116, 117, 115 when missing; checked
// locally, before any request).
type Target struct {
	// TemplateID is the Campaign Template id (fTemplateId).
	TemplateID string
	// CampaignID is the Campaign id (fCampaignId).
	CampaignID string
	// AllocationID is the allocation id (fAllocationId).
	AllocationID string
	// AllowDuplicates, when true, sends allowDuplicates=true: the server
	// skips its duplicate-phone check (code 105).
	AllowDuplicates bool
	// PhoneFields are the template fields designated as phone numbers. When
	// set, an insert with none of them non-empty fails locally with code 102.
	// When empty the check is left to the server.
	PhoneFields []string
	// Zone is the time zone of the campaign's default contact hours, used to
	// write Lead.CallBack when the lead names no zone of its own.
	Zone *time.Location
}

// Lead is one campaign lead. The campaign template decides the field names,
// so template fields go in Fields; the CampaignAPI's system fields are typed.
type Lead struct {
	// Fields are the template fields (e.g. "Name", "FirstPhone",
	// "PostCode"). On updates a value may be NoChange. System fields
	// (nj...) may be given here as raw strings instead of the typed fields
	// below, but not both.
	Fields map[string]string
	// ExternalID is njExternalLeadId: your reference, unique in the
	// campaign (112 otherwise); it identifies the lead on updates.
	ExternalID string
	// CallBack, when not zero, is sent as njCallBackDate
	// ("yyyy/MM/dd HH:mm"), written in the lead's contact-hours zone:
	// CallBackZone if set, else the zone named by ContactHours when it is an
	// IANA name, else Target.Zone, else CallBack's own location. To dial at
	// once, pass time.Now().
	CallBack time.Time
	// CallBackZone is the zone of the lead's contact hours, see CallBack.
	CallBackZone *time.Location
	// Priority, when not nil, is njPriority: 0–100, lower dials sooner
	// (server default 10). See PriorityOf.
	Priority *int
	// ContactHours is njContactHours; empty takes the template's value.
	// An unknown value gives code 111.
	ContactHours string
	// Disposition is njDisposition, for updates only: it triggers the
	// disposition's actions. NoChange keeps the current one (107 if none).
	Disposition string
}

// PriorityOf returns a pointer to p, for Lead.Priority.
func PriorityOf(p int) *int { return &p }

// Result is the server's answer for one lead that went in (code 0).
type Result struct {
	// Message is the server's message, if any.
	Message string
	// LeadID is the server's id for the lead, when the answer carried one
	// (the CampaignAPI documents none).
	LeadID string
}
