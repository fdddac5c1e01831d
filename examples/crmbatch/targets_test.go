package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/crmbatch/crmbatch/hubspot"
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
