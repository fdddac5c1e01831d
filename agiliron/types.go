package agiliron

import (
	"encoding/xml"

	"github.com/crmbatch/crmbatch/internal/codec"
)

// Lead is one Agiliron lead as the Leads (Add Lead) and Bulk-Leads
// (Update Bulk Leads) resources write it.
// Every value is a string written the way Agiliron writes it: picklists
// hold the literal "--None--" when unset, date-times look like
// "07-30-2020 06:12:06" (MM-DD-YYYY HH:MM:SS), an empty custom date is
// "00-00-0000", EmailOptOut is "1"/"0" (some accounts show "Yes"/"No").
//
// An update replaces the whole record: every writable field left empty is
// written as empty (NULL) on Agiliron's side. To change one field, read the
// lead, change the field, and send the whole lead back.
//
// LeadID is omitted from the wire when empty (a new lead); every other
// field is always sent, empty or not, so that an update never relies on a
// field being left out. CustomFields is sent as LeadCustomFields when it
// is non-empty; whether an update that leaves them out clears them is not
// documented, so send them as read too.
//
// The WADL types some fields (SICCode and AnnualRevenue as integers, the
// address fields as decimals, plainly in error); only the required fields
// are checked before sending, and Agiliron reports any other bad value in
// the lead's result.
type Lead struct {
	XMLName           xml.Name     `json:"-" xml:"Lead"`
	LeadID            string       `json:"LeadId,omitempty" xml:"LeadId,omitempty"`
	Salutation        string       `json:"Salutation" xml:"Salutation"`
	FirstName         string       `json:"FirstName" xml:"FirstName"`
	LastName          string       `json:"LastName" xml:"LastName"`
	Company           string       `json:"Company" xml:"Company"`
	Designation       string       `json:"Designation" xml:"Designation"`
	Phone             string       `json:"Phone" xml:"Phone"`
	Mobile            string       `json:"Mobile" xml:"Mobile"`
	Fax               string       `json:"Fax" xml:"Fax"`
	Email             string       `json:"Email" xml:"Email"`
	Website           string       `json:"Website" xml:"Website"`
	Industry          string       `json:"Industry" xml:"Industry"`
	SICCode           string       `json:"SICCode" xml:"SICCode"`
	AnnualRevenue     string       `json:"AnnualRevenue" xml:"AnnualRevenue"`
	NumberOfEmployees string       `json:"NumberOfEmployees" xml:"NumberOfEmployees"`
	ContactType       string       `json:"ContactType" xml:"ContactType"`
	LeadSource        string       `json:"LeadSource" xml:"LeadSource"`
	LeadStatus        string       `json:"LeadStatus" xml:"LeadStatus"`
	Rating            string       `json:"Rating" xml:"Rating"`
	EmailOptOut       string       `json:"EmailOptOut" xml:"EmailOptOut"`
	YahooID           string       `json:"YahooID" xml:"YahooID"`
	CreatedTime       string       `json:"CreatedTime" xml:"CreatedTime"`
	ModifiedTime      string       `json:"ModifiedTime" xml:"ModifiedTime"`
	Street            string       `json:"Street" xml:"Street"`
	City              string       `json:"City" xml:"City"`
	State             string       `json:"State" xml:"State"`
	Zip               string       `json:"Zip" xml:"Zip"`
	Country           string       `json:"Country" xml:"Country"`
	Description       string       `json:"Description" xml:"Description"`
	AssignedTo        string       `json:"AssignedTo" xml:"AssignedTo"`
	AssignedGroupName string       `json:"AssignedGroupName" xml:"AssignedGroupName"`
	DefaultCurrency   string       `json:"DefaultCurrency" xml:"DefaultCurrency"`
	CustomFields      CustomFields `json:"LeadCustomFields,omitempty" xml:"LeadCustomFields,omitempty"`
}

// plainLead is Lead without its methods, for the JSON codec.
type plainLead Lead

// MarshalJSON writes the lead without HTML escaping, its custom fields
// wrapped as {"LeadCustomFields":{"CustomField":[…]}} when it has any.
func (l Lead) MarshalJSON() ([]byte, error) { return marshalNoEscape(plainLead(l)) }

// UnmarshalJSON reads a lead into a fresh value (no field of the old one
// is kept), its custom fields given as one object or a list under
// LeadCustomFields.CustomField.
func (l *Lead) UnmarshalJSON(b []byte) error { return unmarshalFresh(b, (*plainLead)(l)) }

// Ack is Agiliron's acknowledgement of a Bulk-* request (the MCM
// envelope): the batch has been accepted for processing, and its final
// per-record results come later, by webhook or from BatchStatus.
type Ack struct {
	// ObjectType is the resource's object type: "Leads", "Contacts" or
	// "Accounts".
	ObjectType string
	// SyncTime is the server's time stamp, as written ("2021-06-11 04:13:24").
	SyncTime string
	// Status is "Success" when the batch was accepted.
	Status string
	// Message is success_message (or an error message), trimmed.
	Message string
	// BatchID identifies the batch for BatchStatus.
	BatchID string
}

// mcmWire is the MCM envelope in both formats.
type mcmWire struct {
	XMLName  xml.Name `json:"-" xml:"MCM"`
	Response struct {
		ObjectType string `json:"objectType" xml:"objectType"`
		SyncTime   string `json:"syncTime" xml:"syncTime"`
	} `json:"response" xml:"response"`
	Parameters struct {
		Results struct {
			Message struct {
				Status         codec.String `json:"status" xml:"status"`
				SuccessMessage codec.String `json:"success_message" xml:"success_message"`
				ErrorMessage   codec.String `json:"error_message" xml:"error_message"`
				BatchID        codec.String `json:"batch_id" xml:"batch_id"`
			} `json:"message" xml:"message"`
		} `json:"results" xml:"results"`
	} `json:"parameters" xml:"parameters"`
}

// mcmEnvelopeJSON wraps mcmWire in JSON's {"MCM": …}.
type mcmEnvelopeJSON struct {
	MCM *mcmWire `json:"MCM"`
}

// BatchResult is the final result of one batch, from the webhook or from
// BatchStatus.
type BatchResult struct {
	// SuccessNumber and FailureNumber are the counts Agiliron reports.
	SuccessNumber, FailureNumber int
	// Success and Failure hold one entry per record.
	Success, Failure []ResultEntry
}

// ResultEntry is one record's entry in a batch result, as Agiliron writes
// it (under "Leads", or "Product" in the seed's JSON failures; under
// "Contacts" or "Accounts" for those resources). The field names are the
// leads'; for a contact or an account they hold its ContactId or
// AccountID and its name.
type ResultEntry struct {
	// LeadID is the record's id: the one sent for an update, the new one
	// for an add; Agiliron writes it as a number or a string.
	LeadID string
	// LeadName is the record's name ("John Doe"), given for a success.
	LeadName string
	// Message says why the lead failed, for a failure.
	Message string
	// Record is the lead's 1-based position in its request; 0 when absent.
	Record int
}

// BatchStatus is the answer of GET BatchStatus/{batch_id}.
type BatchStatus struct {
	// ID is Agiliron's sequence number of the batch ("10").
	ID string
	// BatchID is the batch id the acknowledgement gave.
	BatchID string
	// Status is "Completed" once the batch is done; other values are not
	// documented (the fake answers "Processing" before).
	Status string
	// RequestStartTime and RequestEndTime are as written
	// ("2021-12-13 09:51:27"); the end is empty until the batch is done.
	RequestStartTime string
	RequestEndTime   string
	// Result is the decoded Response field; nil while it is empty.
	Result *BatchResult
}

// Completed reports whether the batch has its final result.
func (s *BatchStatus) Completed() bool {
	return s != nil && s.Result != nil && isCompleted(s.Status)
}

// Result is Agiliron's final word on one record (a lead, a contact or an
// account) of a request.
type Result struct {
	// BatchID is the batch the record was sent in (empty for a lead
	// created with Add Lead, which has no batch).
	BatchID string
	// ID is the record's id (LeadId, ContactId or AccountID): the caller's
	// for an update, the new one Agiliron assigned for a create when the
	// answer says which new id is whose (an Add Lead request of several
	// leads lists the new ids, not whose they are: ID is then empty).
	ID string
	// Name is the name a batch result reports for a succeeded record
	// ("John Doe"; Add Lead reports none).
	Name string
	// Message is Agiliron's message for a failed record. When a result
	// without Record numbers fails several records with different messages
	// and does not say whose is whose, it lists them all.
	Message string
	// Record is the record's 1-based position in the request it was sent in
	// (the record number Agiliron's result gives it, when it gives one).
	Record int
}
