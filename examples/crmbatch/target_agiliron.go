package main

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/crmbatch/crmbatch/agiliron"
	"github.com/crmbatch/crmbatch/agiliron/agilirontest"
	"github.com/crmbatch/crmbatch/batch"
)

// agilironTarget imports leads; columns are Agiliron's lead fields
// (LeadId, FirstName, LastName, Company, …); other columns go in as custom
// fields. Credentials: as examples/agiliron (AGILIRON_COMPANY,
// AGILIRON_API_KEY, and AGILIRON_CALLBACK_URL with AGILIRON_WEBHOOK_ADDR
// to receive results by webhook; without them the results are polled).
// "update" replaces each whole lead: give every writable field.
var agilironTarget = target{
	ops: []operation{
		{"add", "add new leads (LastName and Company required)", false},
		{"update", "replace each whole lead by LeadId", true},
	},
	credentials: "AGILIRON_COMPANY, AGILIRON_API_KEY (AGILIRON_CALLBACK_URL, AGILIRON_WEBHOOK_ADDR)",
	example:     "crmbatch -vendor agiliron -op add -in leads.csv  (columns FirstName,LastName,Company,Email)",
	columns: func(o options) columnRules {
		cr := columnRules{known: jsonNames[agiliron.Lead](), unchecked: "picklist values (LeadSource, LeadStatus, Rating), that the custom fields exist in the account"}
		cr.required = [][]string{{"LastName"}, {"Company"}}
		if o.op == "update" {
			cr.required = append(cr.required, []string{"LeadId"})
		}
		return cr
	},
	code: vendorCode(func(e *agiliron.Error) agiliron.Code { return e.Code }),
	run: func(ctx context.Context, j *job, rows iter.Seq[row]) (summary, error) {
		hook, err := agiliron.NewWebhookHandler(agiliron.GenerateSecret())
		if err != nil {
			return summary{}, err
		}
		opts := []agiliron.Option{agiliron.WithEngine(j.engine(batch.RetryPolicy{}))}
		if j.useFake() {
			srv := agilirontest.NewServer()
			defer srv.Close()
			srv.SetCountOnly(true)
			listener := httptest.NewServer(hook)
			defer listener.Close()
			opts = append(opts, agiliron.WithBaseURL(srv.BaseURL()), agiliron.WithAPIKey(agilirontest.APIKey),
				agiliron.WithWebhook(hook, listener.URL+"/agiliron"), agiliron.WithCallbackTimeout(time.Second))
		} else {
			company, key := j.getenv("AGILIRON_COMPANY"), j.getenv("AGILIRON_API_KEY")
			if company == "" || key == "" {
				return summary{}, errors.New("set AGILIRON_COMPANY and AGILIRON_API_KEY (or use -fake)")
			}
			opts = append(opts, agiliron.WithCompany(company), agiliron.WithAPIKey(key))
			if j.opts.baseURL != "" {
				opts = append(opts, agiliron.WithBaseURL(j.opts.baseURL))
			}
			if cb := j.getenv("AGILIRON_CALLBACK_URL"); cb != "" {
				addr := j.getenv("AGILIRON_WEBHOOK_ADDR")
				if addr == "" {
					addr = ":8080"
				}
				hs := &http.Server{Addr: addr, Handler: hook, ReadHeaderTimeout: 10 * time.Second}
				go hs.ListenAndServe()
				defer hs.Close()
				opts = append(opts, agiliron.WithWebhook(hook, cb))
			}
		}
		c, err := agiliron.New(opts...)
		if err != nil {
			return summary{}, err
		}
		verb := c.Leads().Create
		if j.opts.op == "update" {
			verb = c.Leads().Update
		}
		return j.inSegments(ctx, rows, func(rows iter.Seq[row]) summary {
			rep, _ := verb(ctx, convert(rows, j, func(r row) (agiliron.Lead, error) {
				var l agiliron.Lead
				rest, err := setFields(&l, r.Fields)
				for name, value := range rest {
					l.CustomFields = append(l.CustomFields, agiliron.CustomField{Name: name, Value: value})
				}
				return l, err
			}))
			return summarize(rep)
		}), nil
	},
}
