package agiliron

// spec describes one Agiliron record type T to the code every resource
// shares: encoding, the requests, the wait for the result, and matching it
// to the input.
type spec[T any] struct {
	// plural and single name the wire envelope:
	// {"Leads":{"Lead":[…]}} and <Leads><Lead>…</Lead></Leads>.
	plural, single string
	// bulk is the Bulk-* resource (PUT updates, POST creates where
	// documented).
	bulk string
	// createPath, when set, is the synchronous create resource used
	// instead of POST bulk ("Leads": Add Lead).
	createPath string
	// idName is the id field's wire name ("LeadId"), for errors.
	idName string
	// id returns a record's id ("" for a new record).
	id func(*T) string
	// name returns the name Agiliron reports for a record in a batch
	// result ("John Doe" for a lead), used to place results that carry
	// no Record number.
	name func(*T) string
	// createKey is the report key of a record to create (it has no id yet).
	createKey func(T) string
	// checkUpdate checks the fields an update needs besides the id;
	// checkCreate those a create needs besides having no id.
	checkUpdate, checkCreate func(op string, rec *T) error
	// marshalJSON writes one record (without HTML escaping).
	marshalJSON func(*T) ([]byte, error)
}

// The Agiliron resources this package writes.
const (
	// bulkLeads is the documented multi-lead update (PUT only).
	bulkLeads = "Bulk-Leads"
	// leadsPath is the documented lead create (Add Lead, POST), which takes
	// {"Leads":{"Lead":[…]}} and so many leads at once.
	leadsPath = "Leads"
	// bulkContacts is the documented multi-contact add (POST) and update (PUT).
	bulkContacts = "Bulk-Contacts"
	// bulkAccounts is the documented multi-account add (POST) and update (PUT).
	bulkAccounts = "Bulk-Accounts"
)

var leadSpec = &spec[Lead]{
	plural: "Leads", single: "Lead", bulk: bulkLeads, createPath: leadsPath, idName: "LeadId",
	id:        func(l *Lead) string { return l.LeadID },
	name:      func(l *Lead) string { return fullName(l.FirstName, l.LastName) },
	createKey: func(l Lead) string { return l.Email },
	checkUpdate: func(op string, l *Lead) error {
		if err := required(op, "LastName", l.LastName, messageLastNameBlank); err != nil {
			return err
		}
		return required(op, "Company", l.Company, "Lead Company cannot be blank")
	},
	marshalJSON: func(l *Lead) ([]byte, error) { return l.MarshalJSON() },
}

var contactSpec = &spec[Contact]{
	plural: "Contacts", single: "Contact", bulk: bulkContacts, idName: "ContactId",
	id:        func(c *Contact) string { return c.ContactID },
	name:      func(c *Contact) string { return fullName(c.FirstName, c.LastName) },
	createKey: func(c Contact) string { return c.Email },
	checkUpdate: func(op string, c *Contact) error {
		return required(op, "LastName", c.LastName, "Contact Last Name cannot be blank")
	},
	marshalJSON: func(c *Contact) ([]byte, error) { return c.MarshalJSON() },
}

var accountSpec = &spec[Account]{
	plural: "Accounts", single: "Account", bulk: bulkAccounts, idName: "AccountID",
	id:        func(a *Account) string { return a.AccountID },
	name:      func(a *Account) string { return a.AccountName },
	createKey: func(a Account) string { return a.AccountName },
	checkUpdate: func(op string, a *Account) error {
		return required(op, "AccountName", a.AccountName, "Account Name cannot be blank")
	},
	checkCreate: func(op string, a *Account) error {
		return required(op, "AccountName", a.AccountName, "Account Name cannot be blank")
	},
	marshalJSON: func(a *Account) ([]byte, error) { return a.MarshalJSON() },
}
