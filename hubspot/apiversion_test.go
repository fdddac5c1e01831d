package hubspot_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/crmbatch/crmbatch/hubspot"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
	"gopkg.in/h2non/gock.v1"
)

// The default is HubSpot's current GA date version, 2026-09; "v3" (legacy)
// and other date versions stay selectable.
func TestAPIVersionChoosesThePath(t *testing.T) {
	defer gock.Off()
	for _, tt := range []struct{ version, path string }{
		{"", "/crm/objects/2026-09/contacts/batch/archive"}, // no WithAPIVersion
		{"2026-09", "/crm/objects/2026-09/contacts/batch/archive"},
		{"v3", "/crm/v3/objects/contacts/batch/archive"},
		{"2026-03", "/crm/objects/2026-03/contacts/batch/archive"},
	} {
		hc := &http.Client{}
		gock.InterceptClient(hc) // before New: the client copies hc
		opts := []hubspot.Option{hubspot.WithToken("t"), hubspot.WithBaseURL("https://api.example.test"), hubspot.WithHTTPClient(hc)}
		if tt.version != "" {
			opts = append(opts, hubspot.WithAPIVersion(tt.version))
		}
		c, err := hubspot.New(opts...)
		if err != nil {
			t.Fatal(err)
		}
		gock.New("https://api.example.test").Post(tt.path).Reply(204)
		rep, err := c.Objects("contacts").Archive(context.Background(), slices.Values([]string{"1"}))
		if err != nil || rep.Succeeded != 1 {
			t.Errorf("%s: %v (succeeded %d)", tt.version, err, rep.Succeeded)
		}
		if !gock.IsDone() {
			t.Errorf("%s: no request to %s", tt.version, tt.path)
		}
		gock.Off()
	}
	for _, bad := range []string{"", "v4", "2026-13", "26-03"} {
		if _, err := hubspot.New(hubspot.WithToken("t"), hubspot.WithAPIVersion(bad)); err == nil {
			t.Errorf("WithAPIVersion(%q) accepted", bad)
		}
	}
}

// TestFakeServesDatedPaths: the fake answers the date-versioned paths too.
func TestFakeServesDatedPaths(t *testing.T) {
	t.Parallel()
	srv := hubspottest.NewServer()
	defer srv.Close()
	c, err := hubspot.New(hubspot.WithBaseURL(srv.BaseURL()), hubspot.WithToken(hubspottest.DefaultToken), hubspot.WithAPIVersion("2026-03"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.Objects("contacts").Create(context.Background(), slices.Values([]hubspot.CreateInput{
		{Properties: hubspot.Properties{"email": "ada@example.com"}},
	}))
	if err != nil || rep.Succeeded != 1 || srv.Count("contacts") != 1 {
		t.Fatalf("err %v, succeeded %d, stored %d", err, rep.Succeeded, srv.Count("contacts"))
	}
}
