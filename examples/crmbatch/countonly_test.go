package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/crmbatch/crmbatch/agiliron"
	"github.com/crmbatch/crmbatch/agiliron/agilirontest"
	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
	"github.com/crmbatch/crmbatch/noojee"
	"github.com/crmbatch/crmbatch/noojee/noojeetest"
	"github.com/crmbatch/crmbatch/pardot"
	"github.com/crmbatch/crmbatch/pardot/pardottest"
	"github.com/crmbatch/crmbatch/propel"
	"github.com/crmbatch/crmbatch/propel/propeltest"
)

// TestFakesCountOnly: in counting-only mode each fake still checks what
// it is sent (a bad record fails as before) and counts what it accepts,
// but keeps none of it — what lets -fake and -dry-run run in constant
// memory.
func TestFakesCountOnly(t *testing.T) {
	ctx := context.Background()
	const n = 250
	t.Run("hubspot", func(t *testing.T) {
		srv := hubspottest.NewServer()
		defer srv.Close()
		srv.SetCountOnly(true)
		srv.SetRateLimit(0, 0)
		c, _ := hubspot.New(hubspot.WithBaseURL(srv.URL), hubspot.WithToken(hubspottest.DefaultToken), hubspot.WithKeep(batch.KeepNone))
		in := make([]hubspot.CreateInput, n)
		for i := range in {
			in[i] = hubspot.CreateInput{Properties: hubspot.Properties{"email": fmt.Sprintf("c%d@example.com", i)}}
		}
		in[7].Properties["email"] = "not-an-email"
		rep, _ := c.Objects("contacts").BatchCreate(ctx, in)
		if rep.Succeeded != n-1 || rep.Failed != 1 || srv.Count("contacts") != n-1 || len(srv.Objects("contacts")) != 0 {
			t.Errorf("%d succeeded, %d failed; the fake counts %d and keeps %d", rep.Succeeded, rep.Failed, srv.Count("contacts"), len(srv.Objects("contacts")))
		}
	})
	t.Run("pardot", func(t *testing.T) {
		srv := pardottest.NewServer()
		defer srv.Close()
		srv.SetCountOnly(true)
		c, _ := pardot.New(pardot.WithBaseURL(srv.URL), pardot.WithLegacyLogin(pardottest.Email, pardottest.Password, pardottest.UserKey), pardot.WithKeep(batch.KeepNone))
		ps := make([]pardot.Prospect, n)
		for i := range ps {
			ps[i] = pardot.Prospect{Email: fmt.Sprintf("p%d@example.com", i)}
		}
		rep, _ := c.BatchCreate(ctx, ps)
		if kept := len(srv.Prospects()); rep.Succeeded != n || srv.Len() != n || kept != 0 {
			t.Errorf("%d succeeded; the fake counts %d and keeps %d", rep.Succeeded, srv.Len(), kept)
		}
	})
	t.Run("noojee", func(t *testing.T) {
		srv := noojeetest.NewServer()
		defer srv.Close()
		srv.SetCountOnly(true)
		c, _ := noojee.New(noojee.WithBaseURL(srv.URL), noojee.WithAPIKey(noojeetest.APIKey), noojee.WithKeep(batch.KeepNone))
		leads := make([]noojee.Lead, n)
		for i := range leads {
			leads[i] = noojee.Lead{ExternalID: fmt.Sprint("L", i), Fields: map[string]string{"Name": "x", "FirstPhone": fmt.Sprintf("039%07d", i)}}
		}
		leads[3].Fields["FirstPhone"] = "" // no phone: refused (102)
		rep, _ := c.Campaign(noojee.Target{TemplateID: "1", CampaignID: "1", AllocationID: "1"}).InsertLeads(ctx, leads)
		if rep.Succeeded != n-1 || srv.LeadCount("1") != n-1 || len(srv.Leads("1")) != 0 {
			t.Errorf("%d succeeded; the fake counts %d and keeps %d", rep.Succeeded, srv.LeadCount("1"), len(srv.Leads("1")))
		}
	})
	t.Run("propel", func(t *testing.T) {
		srv := propeltest.NewServer()
		defer srv.Close()
		srv.SetCountOnly(true)
		srv.ForbidKey("customers", "middleName")
		c, _ := propel.New(append(srv.ClientOptions(), propel.WithKeep(batch.KeepNone))...)
		cs := make([]propel.Customer, n)
		for i := range cs {
			cs[i] = propel.Customer{Source: "CRM", SourceID: fmt.Sprint(i), Language: "NL", FirstName: "x"}
		}
		cs[9].MiddleName = "Q" // the schema lacks it: refused
		rep, _ := c.BulkCustomersBySourceID(ctx, cs)
		if rep.Succeeded != n-1 || rep.Failed != 1 || len(srv.Customers()) != 0 {
			t.Errorf("%d succeeded, %d failed; the fake keeps %d", rep.Succeeded, rep.Failed, len(srv.Customers()))
		}
	})
	t.Run("agiliron", func(t *testing.T) {
		srv := agilirontest.NewServer()
		defer srv.Close()
		srv.SetCountOnly(true)
		hook, _ := agiliron.NewWebhookHandler(agiliron.GenerateSecret())
		listener := httptest.NewServer(hook)
		defer listener.Close()
		c, _ := agiliron.New(append(srv.ClientOptions(), agiliron.WithWebhook(hook, listener.URL+"/agiliron"),
			agiliron.WithCallbackTimeout(time.Second), agiliron.WithKeep(batch.KeepNone))...)
		leads := make([]agiliron.Lead, n)
		for i := range leads {
			leads[i] = agiliron.Lead{LastName: fmt.Sprint("L", i), Company: "ACME"}
		}
		leads[5].LastName = "" // refused: Lead Last Name cannot be blank
		rep, _ := c.AddLeads(ctx, leads)
		if rep.Succeeded != n-1 || srv.Len() != n-1 || len(srv.Leads()) != 0 {
			t.Errorf("%d succeeded; the fake counts %d and keeps %d", rep.Succeeded, srv.Len(), len(srv.Leads()))
		}
	})
}
