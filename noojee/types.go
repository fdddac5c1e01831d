package noojee

import (
	"encoding/xml"
	"time"

	"github.com/crmbatch/crmbatch/internal/codec"
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
//
// Its JSON and XML forms are described in the package doc ("XML form");
// Zone is written by name (MarshalJSON, MarshalXML).
type Target struct {
	// TemplateID is the Campaign Template id (fTemplateId).
	TemplateID string `json:"fTemplateId" xml:"fTemplateId"`
	// CampaignID is the Campaign id (fCampaignId).
	CampaignID string `json:"fCampaignId" xml:"fCampaignId"`
	// AllocationID is the allocation id (fAllocationId).
	AllocationID string `json:"fAllocationId" xml:"fAllocationId"`
	// AllowDuplicates, when true, sends allowDuplicates=true: the server
	// skips its duplicate-phone check (code 105).
	AllowDuplicates bool `json:"allowDuplicates,omitempty" xml:"allowDuplicates,omitempty"`
	// PhoneFields are the template fields designated as phone numbers. When
	// set, an insert with none of them non-empty fails locally with code 102.
	// When empty the check is left to the server.
	PhoneFields []string `json:"phoneFields,omitempty" xml:"phoneField,omitempty"`
	// Zone is the time zone of the campaign's default contact hours, used to
	// write Lead.CallBack when the lead names no zone of its own. It is
	// written as "zone" by Target's MarshalJSON and MarshalXML.
	Zone *time.Location `json:"-" xml:"-"`
}

// Lead is one campaign lead. The campaign template decides the field names,
// so template fields go in Fields; the CampaignAPI's system fields are typed.
//
// Its JSON and XML forms (for the caller's own files; the request body
// sent to Noojee is another, flat, form) are described in the package doc
// ("XML form"): the system fields keep their Noojee names, CallBack is
// written in Noojee's date layout (MarshalJSON, MarshalXML).
type Lead struct {
	// Fields are the template fields (e.g. "Name", "FirstPhone",
	// "PostCode"). On updates a value may be NoChange. System fields
	// (nj...) may be given here as raw strings instead of the typed fields
	// below, but not both.
	Fields Fields `json:"fields,omitempty" xml:"field,omitempty"`
	// ExternalID is njExternalLeadId: your reference, unique in the
	// campaign (112 otherwise); it identifies the lead on updates.
	ExternalID string `json:"njExternalLeadId,omitempty" xml:"njExternalLeadId,omitempty"`
	// CallBack, when not zero, is sent as njCallBackDate
	// ("yyyy/MM/dd HH:mm"), written in the lead's contact-hours zone:
	// CallBackZone if set, else the zone named by ContactHours when it is an
	// IANA name, else Target.Zone, else CallBack's own location. To dial at
	// once, pass time.Now(). Lead's MarshalJSON and MarshalXML write it as
	// njCallBackDate.
	CallBack time.Time `json:"-" xml:"-"`
	// CallBackZone is the zone of the lead's contact hours, see CallBack.
	// Lead's MarshalJSON and MarshalXML write it as callBackZone.
	CallBackZone *time.Location `json:"-" xml:"-"`
	// Priority, when not nil, is njPriority: 0–100, lower dials sooner
	// (server default 10). See PriorityOf.
	Priority *int `json:"njPriority,omitempty" xml:"njPriority,omitempty"`
	// ContactHours is njContactHours; empty takes the template's value.
	// An unknown value gives code 111.
	ContactHours string `json:"njContactHours,omitempty" xml:"njContactHours,omitempty"`
	// Disposition is njDisposition, for updates only: it triggers the
	// disposition's actions. NoChange keeps the current one (107 if none).
	Disposition string `json:"njDisposition,omitempty" xml:"njDisposition,omitempty"`
}

// Fields are a lead's template fields, by name. Its JSON form is an
// object; its XML form is one <field name="…">value</field> element per
// entry, in sorted name order (see the package doc).
type Fields map[string]string

// MarshalXML writes one element per field, in sorted name order, named as
// the struct field that holds the map (field in a Lead), the name in the
// name attribute.
func (f Fields) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return codec.StringMap(f).MarshalXML(e, start)
}

// UnmarshalXML reads one <field name="…">value</field> element into f.
func (f *Fields) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	return (*codec.StringMap)(f).UnmarshalXML(d, start)
}

// PriorityOf returns a pointer to p, for Lead.Priority.
func PriorityOf(p int) *int { return &p }

// Result is the server's answer for one lead that went in (code 0). Its
// XML form is <result>, its element and JSON names the tags below.
type Result struct {
	// XMLName names the XML element: result.
	XMLName xml.Name `json:"-" xml:"result"`
	// Message is the server's message, if any.
	Message string `json:"message,omitempty" xml:"message,omitempty"`
	// LeadID is the server's id for the lead, when the answer carried one
	// (the CampaignAPI documents none).
	LeadID string `json:"leadId,omitempty" xml:"leadId,omitempty"`
}
