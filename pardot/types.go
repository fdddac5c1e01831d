package pardot

import (
	"slices"
	"strconv"
)

// Prospect is one Pardot prospect as the batch endpoints take it. Empty
// fields are not sent, so Pardot leaves them unchanged on update. The
// identifiers are ID (Pardot's prospect id), FID (the Salesforce CRM id,
// version 4 only) and Email.
type Prospect struct {
	// ID is Pardot's prospect id; 0 means unset.
	ID int64 `json:"id,omitempty" xml:"id,omitempty"`
	// FID is the CRM (Salesforce) id, an identifier in API version 4.
	FID string `json:"fid,omitempty" xml:"fid,omitempty"`
	// Email identifies the prospect in version 3 and is required on create.
	Email string `json:"email,omitempty" xml:"email,omitempty"`

	// Salutation through Notes are Pardot's standard prospect fields,
	// sent under their API names (first_name, job_title, address_one, …).
	Salutation      string `json:"salutation,omitempty" xml:"salutation,omitempty"`
	FirstName       string `json:"first_name,omitempty" xml:"first_name,omitempty"`
	LastName        string `json:"last_name,omitempty" xml:"last_name,omitempty"`
	Company         string `json:"company,omitempty" xml:"company,omitempty"`
	Website         string `json:"website,omitempty" xml:"website,omitempty"`
	JobTitle        string `json:"job_title,omitempty" xml:"job_title,omitempty"`
	Department      string `json:"department,omitempty" xml:"department,omitempty"`
	Country         string `json:"country,omitempty" xml:"country,omitempty"`
	AddressOne      string `json:"address_one,omitempty" xml:"address_one,omitempty"`
	AddressTwo      string `json:"address_two,omitempty" xml:"address_two,omitempty"`
	City            string `json:"city,omitempty" xml:"city,omitempty"`
	State           string `json:"state,omitempty" xml:"state,omitempty"`
	Territory       string `json:"territory,omitempty" xml:"territory,omitempty"`
	Zip             string `json:"zip,omitempty" xml:"zip,omitempty"`
	Phone           string `json:"phone,omitempty" xml:"phone,omitempty"`
	Fax             string `json:"fax,omitempty" xml:"fax,omitempty"`
	Source          string `json:"source,omitempty" xml:"source,omitempty"`
	AnnualRevenue   string `json:"annual_revenue,omitempty" xml:"annual_revenue,omitempty"`
	Employees       string `json:"employees,omitempty" xml:"employees,omitempty"`
	Industry        string `json:"industry,omitempty" xml:"industry,omitempty"`
	YearsInBusiness string `json:"years_in_business,omitempty" xml:"years_in_business,omitempty"`
	Comments        string `json:"comments,omitempty" xml:"comments,omitempty"`
	Notes           string `json:"notes,omitempty" xml:"notes,omitempty"`
	// CampaignID assigns the prospect's campaign; 0 means unset.
	CampaignID int64 `json:"campaign_id,omitempty" xml:"campaign_id,omitempty"`
	// UserID assigns the prospect to a Pardot user (create and upsert).
	UserID int64 `json:"user_id,omitempty" xml:"user_id,omitempty"`
	// CRMOwnerFID assigns the CRM owner.
	CRMOwnerFID string `json:"crm_owner_fid,omitempty" xml:"crm_owner_fid,omitempty"`
	// IsDoNotEmail, IsDoNotCall and OptedOut are sent only when non-nil.
	IsDoNotEmail *bool `json:"is_do_not_email,omitempty" xml:"is_do_not_email,omitempty"`
	IsDoNotCall  *bool `json:"is_do_not_call,omitempty" xml:"is_do_not_call,omitempty"`
	OptedOut     *bool `json:"opted_out,omitempty" xml:"opted_out,omitempty"`

	// Fields holds custom fields and any field without a typed member, by
	// API name (for example "favorite_color", "list_12" = "1", or a
	// multi-value field as "interests_0", "interests_1"). Names must be
	// letters, digits and underscores and must not repeat a typed field.
	// They are sent after the typed fields, sorted by name.
	Fields map[string]string `json:"-" xml:"-"`
}

// Result is what Pardot returns for a prospect that succeeded: nothing.
// The batch endpoints answer only with the failures; read a prospect back
// to learn its id.
type Result struct{}

// Format is a wire format, for requests and for responses.
type Format uint8

const (
	// JSON is the default request and response format of this package.
	JSON Format = iota + 1
	// XML is Pardot's default response format.
	XML
)

// String returns "json" or "xml", the value of the format parameter.
func (f Format) String() string {
	switch f {
	case JSON:
		return "json"
	case XML:
		return "xml"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// identKind says which identifier a version 3 record is keyed by, so the
// body leaves it out.
type identKind uint8

const (
	identNone identKind = iota // version 4: identifiers are body fields
	identID
	identEmail
)

// field is one name/value pair of the wire body. literal marks a JSON
// literal (true/false) that is not quoted.
type field struct {
	name, value string
	literal     bool
}

// standardNames are the typed fields' API names, which Fields must not use.
var standardNames = map[string]bool{
	"id": true, "fid": true, "email": true, "salutation": true, "first_name": true,
	"last_name": true, "company": true, "website": true, "job_title": true,
	"department": true, "country": true, "address_one": true, "address_two": true,
	"city": true, "state": true, "territory": true, "zip": true, "phone": true,
	"fax": true, "source": true, "annual_revenue": true, "employees": true,
	"industry": true, "years_in_business": true, "comments": true, "notes": true,
	"campaign_id": true, "user_id": true, "crm_owner_fid": true,
	"is_do_not_email": true, "is_do_not_call": true, "opted_out": true,
}

// appendFields appends p's non-empty fields in wire order, leaving out the
// identifier the record is keyed by.
func (p *Prospect) appendFields(dst []field, skip identKind) []field {
	if skip != identID {
		dst = appendNum(dst, "id", p.ID)
	}
	dst = appendStr(dst, "fid", p.FID)
	if skip != identEmail {
		dst = appendStr(dst, "email", p.Email)
	}
	dst = appendStr(dst, "salutation", p.Salutation)
	dst = appendStr(dst, "first_name", p.FirstName)
	dst = appendStr(dst, "last_name", p.LastName)
	dst = appendStr(dst, "company", p.Company)
	dst = appendStr(dst, "website", p.Website)
	dst = appendStr(dst, "job_title", p.JobTitle)
	dst = appendStr(dst, "department", p.Department)
	dst = appendStr(dst, "country", p.Country)
	dst = appendStr(dst, "address_one", p.AddressOne)
	dst = appendStr(dst, "address_two", p.AddressTwo)
	dst = appendStr(dst, "city", p.City)
	dst = appendStr(dst, "state", p.State)
	dst = appendStr(dst, "territory", p.Territory)
	dst = appendStr(dst, "zip", p.Zip)
	dst = appendStr(dst, "phone", p.Phone)
	dst = appendStr(dst, "fax", p.Fax)
	dst = appendStr(dst, "source", p.Source)
	dst = appendStr(dst, "annual_revenue", p.AnnualRevenue)
	dst = appendStr(dst, "employees", p.Employees)
	dst = appendStr(dst, "industry", p.Industry)
	dst = appendStr(dst, "years_in_business", p.YearsInBusiness)
	dst = appendStr(dst, "comments", p.Comments)
	dst = appendStr(dst, "notes", p.Notes)
	dst = appendNum(dst, "campaign_id", p.CampaignID)
	dst = appendNum(dst, "user_id", p.UserID)
	dst = appendStr(dst, "crm_owner_fid", p.CRMOwnerFID)
	dst = appendBool(dst, "is_do_not_email", p.IsDoNotEmail)
	dst = appendBool(dst, "is_do_not_call", p.IsDoNotCall)
	dst = appendBool(dst, "opted_out", p.OptedOut)
	if len(p.Fields) > 0 {
		start := len(dst)
		for k, v := range p.Fields {
			dst = append(dst, field{name: k, value: v})
		}
		slices.SortFunc(dst[start:], func(a, b field) int {
			switch {
			case a.name < b.name:
				return -1
			case a.name > b.name:
				return 1
			}
			return 0
		})
	}
	return dst
}

func appendStr(dst []field, name, v string) []field {
	if v == "" {
		return dst
	}
	return append(dst, field{name: name, value: v})
}

func appendNum(dst []field, name string, v int64) []field {
	if v == 0 {
		return dst
	}
	return append(dst, field{name: name, value: strconv.FormatInt(v, 10)})
}

func appendBool(dst []field, name string, v *bool) []field {
	if v == nil {
		return dst
	}
	return append(dst, field{name: name, value: strconv.FormatBool(*v), literal: true})
}
