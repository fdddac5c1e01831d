package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
)

// TestFileRefusedBeforeSending: a file that cannot be what the vendor
// expects gets one clear error and exit 2, and nothing is written or
// sent (no rejects file; the fake is never started).
func TestFileRefusedBeforeSending(t *testing.T) {
	var latin1 bytes.Buffer
	latin1.WriteString("email,firstname\nada@example.com,Ren")
	latin1.WriteByte(0xe9) // é in Latin-1
	latin1.WriteString("\n")
	tests := []struct {
		name, vendor, op string
		content          []byte
		file             string
		want             []string // in the error
	}{
		{"missing id column", "hubspot", "update", []byte("email,firstname\nada@example.com,Ada\n"), "in.csv",
			[]string{`hubspot update needs a column "id"`}},
		{"missing upsert key", "hubspot", "upsert", []byte("firstname\nAda\n"), "in.csv",
			[]string{`hubspot upsert needs a column "email"`}},
		{"agiliron headers in the wrong case", "agiliron", "add", []byte("firstname,lastname,company\nAda,Lovelace,ACME\n"), "in.csv",
			[]string{`column "firstname" must be spelled "FirstName"`, `column "lastname" must be spelled "LastName"`, `column "company" must be spelled "Company"`}},
		{"hubspot unknown property", "hubspot", "create", []byte("mail,firstname,shoe_size\nada@example.com,Ada,7\n"), "in.csv",
			[]string{`column "mail" is not a field hubspot knows (did you mean "email"?)`, `column "shoe_size" is not a field hubspot knows`, "-map"}},
		{"hubspot wrong case", "hubspot", "create", []byte("Email,FirstName\nada@example.com,Ada\n"), "in.csv",
			[]string{`column "Email" must be spelled "email"`, `column "FirstName" must be spelled "firstname"`}},
		{"propel unknown key", "propel", "customers-by-sourceid", []byte("source,sourceId,middle_name,shoeSize\nCRM,1,Q,7\n"), "in.csv",
			[]string{`column "middle_name" must be spelled "middleName"`, `column "shoeSize" is not a field propel knows`}},
		{"pardot create without email", "pardot", "create", []byte("first_name\nAda\n"), "in.csv",
			[]string{`pardot create needs a column "email"`}},
		{"noojee system field spelling", "noojee", "update", []byte("Name,njexternalleadid\nAda,A1\n"), "in.csv",
			[]string{`column "njexternalleadid" must be spelled "njExternalLeadId"`}},
		{"duplicate column", "hubspot", "create", []byte("email,email\na@example.com,b@example.com\n"), "in.csv",
			[]string{`column "email" appears twice`}},
		{"binary renamed .csv", "hubspot", "create", []byte("\x7fELF\x02\x01\x01\x00\x00\x00binary"), "in.csv",
			[]string{"binary data (a NUL byte at offset 7)"}},
		{"xlsx renamed .csv", "hubspot", "create", []byte("PK\x03\x04\x14\x00\x06\x00"), "in.csv",
			[]string{"ZIP archive", "export the sheet as CSV"}},
		{"Latin-1", "hubspot", "create", latin1.Bytes(), "in.csv",
			[]string{"not UTF-8 text: line 2 has the byte 0xe9", "save the file as UTF-8"}},
		{"UTF-16", "hubspot", "create", []byte("\xff\xfee\x00m\x00"), "in.csv",
			[]string{"UTF-16"}},
		{"JSON Lines named .csv", "hubspot", "create", []byte(`{"email":"ada@example.com"}` + "\n"), "in.csv",
			[]string{"looks like JSON Lines", "-format jsonl"}},
		{"JSON Lines with a wrong key", "hubspot", "create", []byte(`{"mail":"ada@example.com"}` + "\n"), "in.jsonl",
			[]string{`column "mail" is not a field hubspot knows (did you mean "email"?)`}},
		{"semicolons read as commas", "pardot", "create", []byte("email;first_name\nada@example.com;Ada\n"), "in.csv -delimiter ,",
			[]string{`column "email;first_name" holds a delimiter: is -delimiter right for this file?`}},
		{"resume with no journal", "pardot", "create", []byte("email\nada@example.com\n"), "in.csv -resume",
			[]string{"nothing to resume"}},
		{"empty", "hubspot", "create", []byte("\n\n"), "in.csv",
			[]string{"the file is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file, extra, _ := strings.Cut(tt.file, " ")
			in := write(t, file, string(tt.content))
			args := append([]string{"-vendor", tt.vendor, "-op", tt.op, "-in", in, "-fake", "-journal", in + ".journal"}, strings.Fields(extra)...)
			code, out, errOut := runCmd(t, "", args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitUsage, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			if n := strings.Count(errOut, "crmbatch:"); n != 1 {
				t.Errorf("want one error, got %d:\n%s", n, errOut)
			}
			if _, err := os.Stat(in + ".rejects.csv"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a refused file left a rejects file (%v)", err)
			}
			if _, err := os.Stat(in + ".journal"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a refused file left a journal (%v)", err)
			}
		})
	}
}

// TestDelimitersAndGzip: semicolon- and tab-separated files are read as
// such (and said so), and a gzip-compressed file is read through.
func TestDelimitersAndGzip(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("email,firstname\nada@example.com,Ada\nbob@example.com,Bob\n"))
	zw.Close()
	tests := []struct {
		name, file, content, notice string
	}{
		{"semicolon", "in.csv", "email;firstname\nada@example.com;Ada\nbob@example.com;\"Bob; Jr\"\n", "as semicolon-separated"},
		{"tab", "in.tsv", "email\tfirstname\nada@example.com\tAda\nbob@example.com\tBob\n", "as tab-separated"},
		{"gzip", "in.csv.gz", gz.String(), ""},
		{"comma with semicolons inside quotes", "in.csv", "email,firstname\nada@example.com,\"A;d;a\"\nbob@example.com,Bob\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := write(t, tt.file, tt.content)
			code, out, errOut := runCmd(t, "", "-vendor", "hubspot", "-op", "create", "-in", in, "-fake")
			if code != exitOK || !strings.Contains(out, "2 succeeded, 0 failed") {
				t.Errorf("exit %d\n%s\n%s", code, out, errOut)
			}
			if tt.notice != "" && !strings.Contains(errOut, tt.notice) {
				t.Errorf("stderr does not say %q: %s", tt.notice, errOut)
			}
		})
	}
}

// TestColumnRulesEachVendor: a file with the columns a vendor needs passes
// the checks for every operation (no false refusals).
func TestColumnRulesEachVendor(t *testing.T) {
	good := map[string][]string{
		"hubspot":  {"id", "email", "firstname", "lastname"},
		"pardot":   {"id", "email", "first_name", "Favourite_Colour"},
		"agiliron": {"LeadId", "FirstName", "LastName", "Company", "Shoe_Size"},
		"noojee":   {"Name", "FirstPhone", "njExternalLeadId"},
	}
	for vendor, cols := range good {
		for _, op := range targets[vendor].ops {
			o := options{vendor: vendor, op: op.name, object: "contacts", idProperty: "email"}
			if err := targets[vendor].columns(o).check(vendor, op.name, cols); err != nil {
				t.Errorf("%s %s %v: %v", vendor, op.name, cols, err)
			}
		}
	}
	for _, op := range []string{"customers-by-sourceid", "contacts-by-sourceid", "companies-by-sourceid"} {
		o := options{vendor: "propel", op: op}
		if err := targets["propel"].columns(o).check("propel", op, []string{"source", "sourceId", "language"}); err != nil {
			t.Errorf("propel %s: %v", op, err)
		}
	}
	// A HubSpot custom property named on the command line is accepted.
	o := options{vendor: "hubspot", op: "create", object: "contacts", customProps: []string{"shoe_size"}}
	if err := hubspotColumns(o).check("hubspot", "create", []string{"email", "shoe_size"}); err != nil {
		t.Error(err)
	}
	// Objects whose properties are not known here are not refused.
	o.object = "2-123456"
	if err := hubspotColumns(o).check("hubspot", "create", []string{"anything"}); err != nil {
		t.Error(err)
	}
}
