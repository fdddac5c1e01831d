package pardot

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
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

// benchResponse is a 50-prospect answer with five per-prospect errors.
func benchResponse(format Format) []byte {
	var b strings.Builder
	if format == XML {
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<rsp stat="ok" version="1.0"><errors>`)
		for i := 0; i < benchN; i += 10 {
			fmt.Fprintf(&b, `<prospect index="%d">Invalid prospect email address</prospect>`, i)
		}
		b.WriteString(`</errors></rsp>`)
		return []byte(b.String())
	}
	b.WriteString(`{"@attributes":{"stat":"ok","version":1},"errors":{`)
	for i := 0; i < benchN; i += 10 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"%d":"Invalid prospect email address"`, i)
	}
	b.WriteString(`}}`)
	return []byte(b.String())
}

func perProspect(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchN), "ns/prospect")
}

// BenchmarkEncodeDecode50 encodes a 50-prospect request (version 4 flat
// array) and decodes and matches its answer, beside encoding/json and
// encoding/xml marshalling the same []Prospect and unmarshalling the same
// answer into plain structs. ns/prospect and allocs/op÷50 compare them.
func BenchmarkEncodeDecode50(b *testing.B) {
	ps := benchProspects()
	for _, format := range []Format{JSON, XML} {
		resp := benchResponse(format)
		for _, version := range []int{3, 4} {
			b.Run(fmt.Sprintf("crmbatch/%s/v%d", format, version), func(b *testing.B) {
				b.ReportAllocs()
				buf := make([]byte, 0, 16<<10)
				for b.Loop() {
					buf = encodeBatch(buf[:0], version, format, opCreate, ps)
					r, err := decodeResponse(resp)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := matchResults(4, opCreate, ps, r.Items, 200); err != nil {
						b.Fatal(err)
					}
				}
				perProspect(b)
			})
		}
	}
	b.Run("stdlib/json", func(b *testing.B) {
		resp := benchResponse(JSON)
		b.ReportAllocs()
		for b.Loop() {
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
		}
		perProspect(b)
	})
	b.Run("stdlib/xml", func(b *testing.B) {
		resp := benchResponse(XML)
		b.ReportAllocs()
		for b.Loop() {
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
		}
		perProspect(b)
	})
}
