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
func (l Lead) MarshalJSON() ([]byte, error) { return l.appendJSON(make([]byte, 0, 1024)), nil }

// UnmarshalJSON reads a lead into a fresh value (no field of the old one
// is kept), its custom fields given as one object or a list under
// LeadCustomFields.CustomField.
func (l *Lead) UnmarshalJSON(b []byte) error { return unmarshalFresh(b, (*plainLead)(l)) }

// Ack is Agiliron's acknowledgement of a Bulk-* request (the MCM
// envelope): the batch has been accepted for processing, and its final
// per-record results come later, by webhook or from BatchStatus.
//
// Its own form (for the caller's files; the wire's is the MCM envelope)
// is flat and named as its fields, each always written:
// <Ack><ObjectType/><SyncTime/><Status/><Message/><BatchID/></Ack>.
type Ack struct {
	XMLName xml.Name `json:"-" xml:"Ack"`
	// ObjectType is the resource's object type: "Leads", "Contacts" or
	// "Accounts".
	ObjectType string `json:"ObjectType" xml:"ObjectType"`
	// SyncTime is the server's time stamp, as written ("2021-06-11 04:13:24").
	SyncTime string `json:"SyncTime" xml:"SyncTime"`
	// Status is "Success" when the batch was accepted.
	Status string `json:"Status" xml:"Status"`
	// Message is success_message (or an error message), trimmed.
	Message string `json:"Message" xml:"Message"`
	// BatchID identifies the batch for BatchStatus.
	BatchID string `json:"BatchID" xml:"BatchID"`
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
//
// Its form is the callback's result as Agiliron documents it for leads,
// <result><SuccessNumber/><FailureNumber/><Success><Leads>…</Leads></Success>
// <Failure><Leads>…</Leads></Failure></result>, and in JSON
// {"SuccessNumber":1,"FailureNumber":0,"Success":[{…}],"Failure":[{…}]}
// (JSON leaves an empty list out). The client's callback and BatchStatus
// decoders read both.
type BatchResult struct {
	XMLName xml.Name `json:"-" xml:"result"`
	// SuccessNumber and FailureNumber are the counts Agiliron reports.
	SuccessNumber int `json:"SuccessNumber" xml:"SuccessNumber"`
	FailureNumber int `json:"FailureNumber" xml:"FailureNumber"`
	// Success and Failure hold one entry per record.
	Success []ResultEntry `json:"Success,omitempty" xml:"Success>Leads"`
	Failure []ResultEntry `json:"Failure,omitempty" xml:"Failure>Leads"`
}

// ResultEntry is one record's entry in a batch result, as Agiliron writes
// it (under "Leads", or "Product" in the seed's JSON failures; under
// "Contacts" or "Accounts" for those resources). The field names are the
// leads'; for a contact or an account they hold its ContactId or
// AccountID and its name. Its form is the lead entry's: LeadId (always),
// then LeadName, Message and Record when set.
type ResultEntry struct {
	// LeadID is the record's id: the one sent for an update, the new one
	// for an add; Agiliron writes it as a number or a string.
	LeadID string `json:"LeadId" xml:"LeadId"`
	// LeadName is the record's name ("John Doe"), given for a success.
	LeadName string `json:"LeadName,omitempty" xml:"LeadName,omitempty"`
	// Message says why the lead failed, for a failure.
	Message string `json:"Message,omitempty" xml:"Message,omitempty"`
	// Record is the lead's 1-based position in its request; 0 when absent.
	Record int `json:"Record,omitempty" xml:"Record,omitempty"`
}

// BatchStatus is the answer of GET BatchStatus/{batch_id}.
//
// Its form uses the answer's names (Id, BatchId, Status, RequestStartTime,
// RequestEndTime, Response), without the answer's outer BatchStatus object
// in JSON, and holds the result as a value rather than as JSON text:
// "Response":{…} and <Response><result>…</result></Response>, left out
// while there is none.
type BatchStatus struct {
	XMLName xml.Name `json:"-" xml:"BatchStatus"`
	// ID is Agiliron's sequence number of the batch ("10").
	ID string `json:"Id" xml:"Id"`
	// BatchID is the batch id the acknowledgement gave.
	BatchID string `json:"BatchId" xml:"BatchId"`
	// Status is "Completed" once the batch is done; other values are not
	// documented (the fake answers "Processing" before).
	Status string `json:"Status" xml:"Status"`
	// RequestStartTime and RequestEndTime are as written
	// ("2021-12-13 09:51:27"); the end is empty until the batch is done.
	RequestStartTime string `json:"RequestStartTime" xml:"RequestStartTime"`
	RequestEndTime   string `json:"RequestEndTime" xml:"RequestEndTime"`
	// Result is the decoded Response field; nil while it is empty.
	Result *BatchResult `json:"Response,omitempty" xml:"Response>result,omitempty"`
}

// Completed reports whether the batch has its final result.
func (s *BatchStatus) Completed() bool {
	return s != nil && s.Result != nil && isCompleted(s.Status)
}

// Result is Agiliron's final word on one record (a lead, a contact or an
// account) of a request.
//
// Its form is named as its fields, each always written:
// <Result><BatchID/><ID/><Name/><Message/><Record/></Result>.
type Result struct {
	XMLName xml.Name `json:"-" xml:"Result"`
	// BatchID is the batch the record was sent in (empty for a lead
	// created with Add Lead, which has no batch).
	BatchID string `json:"BatchID" xml:"BatchID"`
	// ID is the record's id (LeadId, ContactId or AccountID): the caller's
	// for an update, the new one Agiliron assigned for a create when the
	// answer says which new id is whose (an Add Lead request of several
	// leads lists the new ids, not whose they are: ID is then empty).
	ID string `json:"ID" xml:"ID"`
	// Name is the name a batch result reports for a succeeded record
	// ("John Doe"; Add Lead reports none).
	Name string `json:"Name" xml:"Name"`
	// Message is Agiliron's message for a failed record. When a result
	// without Record numbers fails several records with different messages
	// and does not say whose is whose, it lists them all.
	Message string `json:"Message" xml:"Message"`
	// Record is the record's 1-based position in the request it was sent in
	// (the record number Agiliron's result gives it, when it gives one).
	Record int `json:"Record" xml:"Record"`
}
