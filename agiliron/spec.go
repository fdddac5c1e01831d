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
	// id returns a record's id ("" for a new record). It and the other
	// functions take the record by value: a pointer passed through a
	// function value escapes, and would cost an allocation per record.
	id func(T) string
	// name returns the name Agiliron reports for a record in a batch
	// result ("John Doe" for a lead), used to place results that carry
	// no Record number.
	name func(T) string
	// createKey is the report key of a record to create (it has no id yet).
	createKey func(T) string
	// checkUpdate checks the fields an update needs besides the id;
	// checkCreate those a create needs besides having no id.
	checkUpdate, checkCreate func(op string, rec T) error
	// appendJSON appends one record's JSON form (without HTML escaping).
	appendJSON func(b []byte, rec T) []byte
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
	id:        func(l Lead) string { return l.LeadID },
	name:      func(l Lead) string { return fullName(l.FirstName, l.LastName) },
	createKey: func(l Lead) string { return l.Email },
	checkUpdate: func(op string, l Lead) error {
		if err := required(op, "LastName", l.LastName, messageLastNameBlank); err != nil {
			return err
		}
		return required(op, "Company", l.Company, "Lead Company cannot be blank")
	},
	appendJSON: func(b []byte, l Lead) []byte { return l.appendJSON(b) },
}

var contactSpec = &spec[Contact]{
	plural: "Contacts", single: "Contact", bulk: bulkContacts, idName: "ContactId",
	id:        func(c Contact) string { return c.ContactID },
	name:      func(c Contact) string { return fullName(c.FirstName, c.LastName) },
	createKey: func(c Contact) string { return c.Email },
	checkUpdate: func(op string, c Contact) error {
		return required(op, "LastName", c.LastName, "Contact Last Name cannot be blank")
	},
	appendJSON: func(b []byte, c Contact) []byte { return c.appendJSON(b) },
}

var accountSpec = &spec[Account]{
	plural: "Accounts", single: "Account", bulk: bulkAccounts, idName: "AccountID",
	id:        func(a Account) string { return a.AccountID },
	name:      func(a Account) string { return a.AccountName },
	createKey: func(a Account) string { return a.AccountName },
	checkUpdate: func(op string, a Account) error {
		return required(op, "AccountName", a.AccountName, "Account Name cannot be blank")
	},
	checkCreate: func(op string, a Account) error {
		return required(op, "AccountName", a.AccountName, "Account Name cannot be blank")
	},
	appendJSON: func(b []byte, a Account) []byte { return a.appendJSON(b) },
}
