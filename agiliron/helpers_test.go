package agiliron_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"sync"
	"testing"

	"github.com/crmbatch/crmbatch/agiliron"
	"github.com/crmbatch/crmbatch/agiliron/agilirontest"
	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/internal/testkit"
)

// The fixtures and wire helpers of the internal tests.
var (
	seedLeads  = agiliron.SeedLeads
	jsonString = agiliron.JSONString
	compactXML = agiliron.CompactXML
	docContact = agiliron.DocContact
	docAccount = agiliron.DocAccount
)

func compactJSON(t testing.TB, b []byte) string { return agiliron.CompactJSON(t, b) }

// rejected reports a record Agiliron failed in its answer (not a local
// refusal, not an unknown outcome).
func rejected(err error) bool {
	return errors.Is(err, agiliron.ErrRejected)
}

// errRejected stands for "rejected" in tables of wanted errors.
var errRejected = errors.New("rejected by Agiliron")

// malformedAfterWrite lets the request's records land, then answers 200
// with a body that is not an acknowledgement.
var malformedAfterWrite = fakekit.Fault{Status: 200, Body: `{"MCM":{"response":{"objectType":"Leads"`, AfterWrite: true}

// toRecord turns a client record into the fake's form, through its JSON
// (custom fields under customKey).
func toRecord(t testing.TB, v any, customKey string) agilirontest.Record {
	t.Helper()
	m := testkit.JSONFields(t, v)
	r := agilirontest.Record{Fields: map[string]string{}}
	for k, raw := range m {
		if k == customKey {
			var cf struct{ CustomField []agiliron.CustomField }
			if err := json.Unmarshal(raw, &cf); err != nil {
				t.Fatal(err)
			}
			r.Custom = map[string]string{}
			for _, f := range cf.CustomField {
				r.Custom[f.Name] = f.Value
			}
			continue
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		r.Fields[k] = s
	}
	return r
}

// fromRecord reads a stored record back into a client record.
func fromRecord[T any](t testing.TB, r agilirontest.Record, customKey string) T {
	t.Helper()
	m := map[string]any{}
	for k, v := range r.Fields {
		m[k] = v
	}
	if len(r.Custom) > 0 {
		var cf []agiliron.CustomField
		for k, v := range r.Custom {
			cf = append(cf, agiliron.CustomField{Name: k, Value: v})
		}
		m[customKey] = map[string]any{"CustomField": cf}
	}
	b, _ := json.Marshal(m)
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

var tb testing.TB = &testing.T{} // for the helpers below, which fail only on a broken test

func putLead(srv *agilirontest.Server, l agiliron.Lead) string {
	return srv.Put(agilirontest.Leads, toRecord(tb, l, "LeadCustomFields"))
}

func putContact(srv *agilirontest.Server, c agiliron.Contact) string {
	return srv.Put(agilirontest.Contacts, toRecord(tb, c, "CustomFields"))
}

func putAccount(srv *agilirontest.Server, a agiliron.Account) string {
	return srv.Put(agilirontest.Accounts, toRecord(tb, a, "CustomFields"))
}

func storedLead(srv *agilirontest.Server, id string) (agiliron.Lead, bool) {
	r, ok := srv.Get(agilirontest.Leads, id)
	return fromRecord[agiliron.Lead](tb, r, "LeadCustomFields"), ok
}

func storedContact(srv *agilirontest.Server, id string) (agiliron.Contact, bool) {
	r, ok := srv.Get(agilirontest.Contacts, id)
	return fromRecord[agiliron.Contact](tb, r, "CustomFields"), ok
}

func storedAccount(srv *agilirontest.Server, id string) (agiliron.Account, bool) {
	r, ok := srv.Get(agilirontest.Accounts, id)
	return fromRecord[agiliron.Account](tb, r, "CustomFields"), ok
}

// syncWriter serializes writes to a buffer shared by goroutines.
type syncWriter struct {
	mu  sync.Mutex
	buf *bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
