package pardot

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

const benchN = 50

func benchProspects() []Prospect {
	ps := make([]Prospect, benchN)
	for i := range ps {
		ps[i] = Prospect{
			Email: fmt.Sprintf("person%02d@example.com", i), FirstName: "First", LastName: "Last & Sons",
			Company: "Example Inc", JobTitle: "Engineer", City: "Paris", Phone: "+33 1 23 45 67 89",
		}
	}
	return ps
}

// benchResponse is a 50-prospect answer with five per-prospect errors,
// keyed as the version keys them: by email in v3, by position in v4.
func benchResponse(format Format, version int, ps []Prospect) []byte {
	key := func(i int) string {
		if version == 3 {
			return ps[i].Email
		}
		return strconv.Itoa(i)
	}
	var b strings.Builder
	if format == XML {
		attr := map[int]string{3: "identifier", 4: "index"}[version]
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<rsp stat="ok" version="1.0"><errors>`)
		for i := 5; i < benchN; i += 10 {
			fmt.Fprintf(&b, `<prospect %s="%s">Invalid prospect email address</prospect>`, attr, key(i))
		}
		b.WriteString(`</errors></rsp>`)
		return []byte(b.String())
	}
	b.WriteString(`{"@attributes":{"stat":"ok","version":1},"errors":{`)
	for i := 5; i < benchN; i += 10 {
		if i > 5 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `%q:"Invalid prospect email address"`, key(i))
	}
	b.WriteString(`}}`)
	return []byte(b.String())
}

// perProspect runs loop under b.Loop and reports ns and allocations per
// prospect (allocs/op ÷ 50 would hide the fractions).
func perProspect(b *testing.B, loop func()) {
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n := 0
	for b.Loop() {
		loop()
		n++
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*benchN), "ns/prospect")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(n*benchN), "allocs/prospect")
}

// BenchmarkEncodeDecode50 encodes a 50-prospect request (version 4 flat
// array) and decodes and matches its answer, beside encoding/json and
// encoding/xml marshalling the same []Prospect and unmarshalling the same
// answer into plain structs. ns/prospect and allocs/op÷50 compare them.
func BenchmarkEncodeDecode50(b *testing.B) {
	ps := benchProspects()
	for _, format := range []Format{JSON, XML} {
		for _, version := range []int{3, 4} {
			resp := benchResponse(format, version, ps)
			b.Run(fmt.Sprintf("crmbatch/%s/v%d", format, version), func(b *testing.B) {
				buf := make([]byte, 0, 16<<10)
				perProspect(b, func() {
					buf = encodeBatch(buf[:0], version, format, opCreate, ps)
					r, err := decodeResponse(resp)
					if err != nil {
						b.Fatal(err)
					}
					res, err := matchResults(version, opCreate, ps, r.Items, 200, nil)
					if err != nil || res[5].Err == nil {
						b.Fatal("not matched", err)
					}
				})
			})
		}
	}
	b.Run("stdlib/json", func(b *testing.B) {
		resp := benchResponse(JSON, 4, ps)
		perProspect(b, func() {
			if _, err := json.Marshal(struct {
				Prospects []Prospect `json:"prospects"`
			}{ps}); err != nil {
				b.Fatal(err)
			}
			var out struct {
				Attributes struct {
					Stat    string `json:"stat"`
					Version int    `json:"version"`
					ErrCode int    `json:"err_code"`
				} `json:"@attributes"`
				Err    string            `json:"err"`
				Errors map[string]string `json:"errors"`
			}
			if err := json.Unmarshal(resp, &out); err != nil || len(out.Errors) != 5 {
				b.Fatal(err)
			}
		})
	})
	b.Run("stdlib/xml", func(b *testing.B) {
		resp := benchResponse(XML, 4, ps)
		perProspect(b, func() {
			if _, err := xml.Marshal(struct {
				XMLName   xml.Name   `xml:"prospects"`
				Prospects []Prospect `xml:"prospect"`
			}{Prospects: ps}); err != nil {
				b.Fatal(err)
			}
			var out struct {
				XMLName xml.Name `xml:"rsp"`
				Stat    string   `xml:"stat,attr"`
				Errs    []struct {
					Code int    `xml:"code,attr"`
					Text string `xml:",chardata"`
				} `xml:"err"`
				Errors struct {
					Items []struct {
						Index string `xml:"index,attr"`
						Text  string `xml:",chardata"`
					} `xml:"prospect"`
				} `xml:"errors"`
			}
			if err := xml.Unmarshal(resp, &out); err != nil || len(out.Errors.Items) != 5 {
				b.Fatal(err)
			}
		})
	})
}
