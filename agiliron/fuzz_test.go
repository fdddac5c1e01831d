package agiliron

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/crmbatch/crmbatch/internal/testkit"
)

func addSeeds(f *testing.F, t testing.TB, files ...string) {
	for _, name := range files {
		f.Add("", testkit.Testdata(t, name))
		f.Add("application/xml", testkit.Testdata(t, name))
		f.Add("application/json", testkit.Testdata(t, name))
	}
	for _, s := range []string{``, `{}`, `[]`, `null`, `<a/>`, `{"result":{"Success":[[[[]]]]}}`, `<result><Success><Leads><Record>x</Record></Leads></Success></result>`} {
		f.Add("", []byte(s))
	}
}

func FuzzDecodeAck(f *testing.F) {
	addSeeds(f, f, "ack.json", "ack.xml")
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		ack, err := decodeAck(ct, body)
		if err == nil && ack.BatchID == "" {
			t.Fatalf("accepted an acknowledgement without a batch id: %q", body)
		}
	})
}

func FuzzDecodeResult(f *testing.F) {
	addSeeds(f, f, "webhook_norecord.xml", "webhook_norecord.json", "webhook_record.xml", "webhook_record.json")
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		r, err := decodeResult(ct, body)
		if err == nil && (r == nil || r.SuccessNumber < 0 || r.FailureNumber < 0) {
			t.Fatalf("bad result %+v from %q", r, body)
		}
	})
}

func FuzzDecodeBatchStatus(f *testing.F) {
	addSeeds(f, f, "batchstatus.json", "batchstatus_update.json", "batchstatus_update.xml", "batchstatus_pending.json")
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		s, err := decodeBatchStatus(ct, body)
		if err == nil && s == nil {
			t.Fatal("nil status without an error")
		}
		_ = s.Completed()
	})
}

// fuzzSecret is the fuzzed handler's secret.
const fuzzSecret = "0123456789abcdef-fuzz"

// FuzzWebhookHandler drives the whole handler: it never panics and answers
// only 200, 400 or 413 to an authenticated callback.
func FuzzWebhookHandler(f *testing.F) {
	addSeeds(f, f, "webhook_norecord.xml", "webhook_record.json")
	h, err := NewWebhookHandler(fuzzSecret, WithWebhookMaxBody(1<<16))
	if err != nil {
		f.Fatal(err)
	}
	q := url.Values{"secret": {fuzzSecret}, "ref": {"fuzz"}}.Encode()
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		req := httptest.NewRequest(http.MethodPut, "/hook?"+q, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", ct)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d", rec.Code)
		}
	})
}

func FuzzDecodeLeads(f *testing.F) {
	addSeeds(f, f, "update_leads.json", "update_leads.xml")
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		leads, err := decodeLeads(ct, body)
		if err != nil {
			return
		}
		if _, err := encodeLeads(JSON, leads); err != nil {
			t.Fatal(err)
		}
		if _, err := encodeLeads(XML, leads); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzDecodeCreated(f *testing.F) {
	addSeeds(f, f, "created.json", "created.xml", "ack.json")
	f.Add("", []byte(`{"MCM":{"parameters":{"results":{"message":{"status":"Success","success_message":{"lead_id":[1,"2",[3]]}}}}}}`))
	f.Add("", []byte(`{"MCM":{"parameters":{"results":{"message":{"SuccessNumber":1,"Success":{"Leads":{"LeadId":7}}}}}}}`))
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		c, err := decodeCreated(ct, body)
		if err == nil && c.Status == "" && c.Result == nil {
			t.Fatalf("accepted an answer with neither a status nor a result: %q", body)
		}
	})
}

func FuzzDecodeContactsAndAccounts(f *testing.F) {
	addSeeds(f, f, "add_contacts.json", "add_contacts.xml", "add_accounts.json", "add_accounts.xml")
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		if cs, err := decodeContacts(ct, body); err == nil {
			if _, err := encodeContacts(XML, cs); err != nil {
				t.Fatal(err)
			}
		}
		if as, err := decodeAccounts(ct, body); err == nil {
			if _, err := encodeAccounts(JSON, as); err != nil {
				t.Fatal(err)
			}
		}
	})
}
