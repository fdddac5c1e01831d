package pardot

import (
	"context"
	"iter"

	"github.com/crmbatch/crmbatch/batch"
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

// Prospects is the handle for Pardot's prospect batch endpoints; get it
// with Client.Prospects.
type Prospects struct{ c *Client }

// Prospects returns the handle for the prospect batch endpoints.
func (c *Client) Prospects() *Prospects { return &Prospects{c: c} }

// Create creates prospects: POST /api/prospect/version/{3|4}/do/batchCreate.
// Every prospect needs a valid email, unique within the call
// (case-insensitively; a repeat fails Local with class Duplicate, not
// sent), and no id. A create whose answer is lost fails with an error
// matching batch.ErrOutcomeUnknown and is never sent twice. The error is
// the report's Err. Pass a slice as slices.Values(ps).
func (p *Prospects) Create(ctx context.Context, ps iter.Seq[Prospect]) (*batch.Report[Result], error) {
	return p.c.dispatch(ctx, opCreate, ps)
}

// Update updates existing prospects: POST
// /api/prospect/version/{3|4}/do/batchUpdate. Version 3 finds a prospect by
// id or email, version 4 by id or fid; an identifier repeated within the
// call fails Local with class Duplicate, not sent.
func (p *Prospects) Update(ctx context.Context, ps iter.Seq[Prospect]) (*batch.Report[Result], error) {
	return p.c.dispatch(ctx, opUpdate, ps)
}

// Upsert updates prospects that exist and creates the others: POST
// /api/prospect/version/{3|4}/do/batchUpsert. Version 3 matches by id or
// email; version 4 by id or fid (a fid not found creates a prospect with
// the record's email). An identifier repeated within the call fails Local
// with class Duplicate, not sent.
func (p *Prospects) Upsert(ctx context.Context, ps iter.Seq[Prospect]) (*batch.Report[Result], error) {
	return p.c.dispatch(ctx, opUpsert, ps)
}
