package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmbatch/crmbatch/hubspot"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
	"github.com/crmbatch/crmbatch/noojee"
)

// TestHubSpotCreateKeys: a HubSpot create is keyed by what a person can
// find the record by — a contact's email, else its input line sent as the
// objectWriteTraceId — so the rejects file places every record.
func TestHubSpotCreateKeys(t *testing.T) {
	t.Parallel()
	tests := []struct{ object, csv, wantKey string }{
		{"contacts", "email,firstname\nada@example.com,Ada\nbad-email,Bob\n", "bad-email"},
		{"deals", "dealname,email\nBig,ada@example.com\nSmall,bad-email\n", "line-3"},
	}
	for _, tt := range tests {
		t.Run(tt.object, func(t *testing.T) {
			t.Parallel()
			in := write(t, "in.csv", tt.csv)
			code, out, errOut := runCmd(t, "", "-vendor", "hubspot", "-op", "create", "-object", tt.object, "-in", in, "-fake")
			if code != exitRejects {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitRejects, out, errOut)
			}
			rej := readCSV(t, in+".rejects.csv")
			if len(rej) != 2 || rej[1][0] != "3" || rej[1][1] != tt.wantKey || rej[1][3] != string(hubspot.CodeValidation) {
				t.Errorf("rejects %v, want line 3 keyed %q with code %s", rej, tt.wantKey, hubspot.CodeValidation)
			}
		})
	}
}

// TestVendorCode: the one code reader serves every vendor's Error: the
// code as the vendor prints it, nothing for an error without one or for
// another vendor's.
func TestVendorCode(t *testing.T) {
	t.Parallel()
	code := vendorCode(func(e *noojee.Error) noojee.Code { return e.Code })
	withCode := &noojee.Error{}
	withCode.Code = noojee.Code(104)
	tests := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("record 3: %w", withCode), noojee.Code(104).String()},
		{&noojee.Error{}, ""},
		{&hubspot.Error{}, ""},
		{errors.New("plain"), ""},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := code(tt.err); got != tt.want {
			t.Errorf("vendorCode(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// TestRunStoppedByTheVendor: a token HubSpot refuses (401) stops the run;
// the engine reads no further, so the summary and the report say the
// input was not read to its end, and the journal is kept for -resume.
func TestRunStoppedByTheVendor(t *testing.T) {
	t.Parallel()
	srv := hubspottest.NewServer()
	defer srv.Close()
	var b strings.Builder
	b.WriteString("email,firstname\n")
	const rows = 5000
	for i := range rows {
		fmt.Fprintf(&b, "c%d@example.com,C\n", i)
	}
	in := write(t, "in.csv", b.String())
	reportFile := filepath.Join(t.TempDir(), "run.json")
	env := map[string]string{"HUBSPOT_TOKEN": "not-" + hubspottest.DefaultToken}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-vendor", "hubspot", "-op", "create", "-in", in, "-base-url", srv.BaseURL(),
		"-concurrency", "1", "-report", reportFile}, strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] })
	if code != exitRejects {
		t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitRejects, out.String(), errOut.String())
	}
	var rep runReport
	data, err := os.ReadFile(reportFile)
	if err == nil {
		err = json.Unmarshal(data, &rep)
	}
	if err != nil {
		t.Fatal(err)
	}
	if rep.ReadToEnd || rep.Counts.Read >= rows || rep.Counts.Succeeded != 0 || rep.Journal == "" {
		t.Errorf("report: read to end %v, %+v, journal %q; want the run stopped early with its journal kept", rep.ReadToEnd, rep.Counts, rep.Journal)
	}
	if _, err := os.Stat(rep.Journal); err != nil {
		t.Errorf("journal: %v", err)
	}
	if !strings.Contains(out.String(), "the run stopped before the input's end") {
		t.Errorf("summary:\n%s", out.String())
	}
}
