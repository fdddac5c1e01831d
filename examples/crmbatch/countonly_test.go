package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
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
	t.Parallel()
	ctx := context.Background()
	const n = 250
	keepNone := batch.Config{Keep: batch.KeepNone}
	// check: one record refused, the others written and counted, none kept.
	check := func(t *testing.T, succeeded, failed, counted, kept int) {
		t.Helper()
		if succeeded != n-1 || failed != 1 || counted != n-1 || kept != 0 {
			t.Errorf("%d succeeded, %d failed; the fake counts %d and keeps %d", succeeded, failed, counted, kept)
		}
	}
	t.Run("hubspot", func(t *testing.T) {
		t.Parallel()
		srv := hubspottest.NewServer()
		defer srv.Close()
		srv.SetCountOnly(true)
		srv.SetRateLimit(0, 0)
		c, err := hubspot.New(hubspot.WithBaseURL(srv.BaseURL()), hubspot.WithToken(hubspottest.DefaultToken), hubspot.WithEngine(keepNone))
		if err != nil {
			t.Fatal(err)
		}
		in := make([]hubspot.CreateInput, n)
		for i := range in {
			in[i] = hubspot.CreateInput{Properties: hubspot.Properties{"email": fmt.Sprintf("c%d@example.com", i)}}
		}
		in[7].Properties["email"] = "not-an-email"
		rep, _ := c.Objects("contacts").Create(ctx, slices.Values(in))
		check(t, rep.Succeeded, rep.Failed, srv.Stats().Written, len(srv.Objects("contacts")))
	})
	t.Run("pardot", func(t *testing.T) {
		t.Parallel()
		srv := pardottest.NewServer()
		defer srv.Close()
		srv.SetCountOnly(true)
		c, err := pardot.New(pardot.WithBaseURL(srv.BaseURL()), pardot.WithLegacyLogin(pardottest.Email, pardottest.Password, pardottest.UserKey), pardot.WithEngine(keepNone))
		if err != nil {
			t.Fatal(err)
		}
		ps := make([]pardot.Prospect, n)
		for i := range ps {
			ps[i] = pardot.Prospect{Email: fmt.Sprintf("p%d@example.com", i)}
		}
		srv.FailProspect(ps[11].Email, 4, 1<<30) // "invalid prospect email"
		rep, _ := c.Prospects().Create(ctx, slices.Values(ps))
		check(t, rep.Succeeded, rep.Failed, srv.Stats().Created, len(srv.Prospects()))
	})
	t.Run("noojee", func(t *testing.T) {
		t.Parallel()
		srv := noojeetest.NewServer()
		defer srv.Close()
		srv.SetCountOnly(true)
		c, err := noojee.New(noojee.WithBaseURL(srv.BaseURL()), noojee.WithAPIKey(noojeetest.APIKey), noojee.WithEngine(keepNone))
		if err != nil {
			t.Fatal(err)
		}
		leads := make([]noojee.Lead, n)
		for i := range leads {
			leads[i] = noojee.Lead{ExternalID: fmt.Sprint("L", i), Fields: map[string]string{"Name": "x", "FirstPhone": fmt.Sprintf("039%07d", i)}}
		}
		leads[3].Fields["FirstPhone"] = "" // no phone: refused (102)
		rep, _ := c.Campaign(noojee.Target{TemplateID: "1", CampaignID: "1", AllocationID: "1"}).Create(ctx, slices.Values(leads))
		check(t, rep.Succeeded, rep.Failed, srv.Stats().Stored, len(srv.Leads("1")))
	})
	t.Run("propel", func(t *testing.T) {
		t.Parallel()
		srv := propeltest.NewServer()
		defer srv.Close()
		srv.SetCountOnly(true)
		srv.ForbidKey("customers", "middleName")
		c, err := propel.New(propel.WithBaseURL(srv.BaseURL()), propel.WithClientCredentials(propeltest.ClientID, propeltest.ClientSecret),
			propel.WithEngine(keepNone))
		if err != nil {
			t.Fatal(err)
		}
		cs := make([]propel.Customer, n)
		for i := range cs {
			cs[i] = propel.Customer{Source: "CRM", SourceID: fmt.Sprint(i), Language: "NL", FirstName: "x"}
		}
		cs[9].MiddleName = "Q" // the schema lacks it: refused
		rep, _ := c.Customers().UpsertBySourceID(ctx, slices.Values(cs))
		check(t, rep.Succeeded, rep.Failed, srv.Stats().Writes, len(srv.Customers()))
	})
	t.Run("agiliron", func(t *testing.T) {
		t.Parallel()
		srv := agilirontest.NewServer()
		defer srv.Close()
		srv.SetCountOnly(true)
		hook, err := agiliron.NewWebhookHandler(agiliron.GenerateSecret())
		if err != nil {
			t.Fatal(err)
		}
		listener := httptest.NewServer(hook)
		defer listener.Close()
		c, err := agiliron.New(agiliron.WithBaseURL(srv.BaseURL()), agiliron.WithAPIKey(agilirontest.APIKey),
			agiliron.WithWebhook(hook, listener.URL+"/agiliron"), agiliron.WithCallbackTimeout(time.Second), agiliron.WithEngine(keepNone))
		if err != nil {
			t.Fatal(err)
		}
		leads := make([]agiliron.Lead, n)
		for i := range leads {
			leads[i] = agiliron.Lead{LastName: fmt.Sprint("L", i), Company: "ACME"}
		}
		leads[5].LastName = "" // refused: Lead Last Name cannot be blank
		rep, _ := c.Leads().Create(ctx, slices.Values(leads))
		check(t, rep.Succeeded, rep.Failed, srv.Stats().Stored, len(srv.All(agilirontest.Leads)))
	})
}
