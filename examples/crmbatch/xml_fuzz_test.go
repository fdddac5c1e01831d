package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"slices"
	"testing"
)

// FuzzXMLRows: any input is read without a panic; every record read,
// written as an XML reject and read back, is the same record, and every
// element refused is written back as it was read and refused again.
func FuzzXMLRows(f *testing.F) {
	names := targetNames()
	for _, tt := range xmlCases {
		f.Add(uint8(slices.Index(names, tt.vendor)), []byte(tt.xml))
	}
	f.Add(uint8(slices.Index(names, "noojee")), []byte(`<leads><_crmbatch_reject line="2" status="failed"><lead><field name="a">b</field></lead></_crmbatch_reject><_crmbatch_reject/><x/></leads>`))
	f.Add(uint8(slices.Index(names, "hubspot")), []byte(`<inputs><input><properties><property>no name</property></properties></input></inputs>`))
	f.Fuzz(func(t *testing.T, vendor uint8, data []byte) {
		name := names[int(vendor)%len(names)]
		form := xmlFormFor(name, targets[name].ops[0].name)
		var refused [][]byte
		var records []any
		rows, err := xmlRows(context.Background(), bufio.NewReader(bytes.NewReader(data)), form, func(re rowError) {
			if re.Raw != nil {
				refused = append(refused, re.Raw)
			}
		})
		if err != nil {
			return
		}
		for r := range rows {
			records = append(records, r.Record)
		}
		for _, raw := range refused {
			gotRecords, gotRefused := rereadReject(t, form, reject{Raw: raw})
			if len(gotRecords) != 0 || len(gotRefused) != 1 || !bytes.Equal(gotRefused[0], raw) {
				t.Errorf("refused %q; read back: %d records, refused %q", raw, len(gotRecords), gotRefused)
			}
		}
		for _, rec := range records {
			want, err := xml.Marshal(rec)
			if err != nil {
				t.Fatalf("%T read from XML does not encode: %v", rec, err)
			}
			gotRecords, gotRefused := rereadReject(t, form, reject{Record: rec})
			if len(gotRecords) != 1 || len(gotRefused) != 0 {
				t.Fatalf("%s as a reject read back as %d records, refused %q", want, len(gotRecords), gotRefused)
			}
			if got, _ := xml.Marshal(gotRecords[0]); !bytes.Equal(got, want) {
				t.Errorf("record as a reject read back as\n%s\nwant\n%s", got, want)
			}
		}
	})
}

// rereadReject writes r in an XML rejects file and reads the file back.
func rereadReject(t *testing.T, form xmlForm, r reject) (records []any, refused [][]byte) {
	t.Helper()
	line, err := xmlReject(form, reject{Line: 2, Status: "failed", Message: "x", Record: r.Record, Raw: r.Raw})
	if err != nil {
		t.Fatalf("writing a reject: %v", err)
	}
	file := xmlRejectsHead(form) + string(line) + xmlRejectsTail(form)
	rows, err := xmlRows(context.Background(), bufio.NewReader(bytes.NewReader([]byte(file))), form, func(re rowError) {
		refused = append(refused, re.Raw)
	})
	if err != nil {
		t.Fatalf("reading a rejects file back: %v\n%s", err, file)
	}
	for r := range rows {
		records = append(records, r.Record)
	}
	return records, refused
}
