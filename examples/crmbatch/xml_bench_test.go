package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"testing"

	"github.com/crmbatch/crmbatch/noojee"
)

// benchLeads is an XML file of n Noojee leads.
func benchLeads(n int) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header + "<leads>\n")
	for i := range n {
		fmt.Fprintf(&b, `  <lead><field name="FirstPhone">0390%06d</field><field name="Name">Lead %d</field><njExternalLeadId>L%d</njExternalLeadId><njPriority>5</njPriority></lead>`+"\n", i, i, i)
	}
	b.WriteString("</leads>\n")
	return b.Bytes()
}

// BenchmarkXMLRows reads a file of leads with the command's reader (each
// element cut out, checked and decoded on its own).
func BenchmarkXMLRows(b *testing.B) {
	data := benchLeads(10_000)
	form := xmlFormFor("noojee", "insert")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		rows, err := xmlRows(context.Background(), bufio.NewReader(bytes.NewReader(data)), form, func(re rowError) { b.Fatal(re.Err) })
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for range rows {
			n++
		}
		if n != 10_000 {
			b.Fatalf("%d records", n)
		}
	}
}

// BenchmarkXMLRowsBaseline is the plain way: one xml.Decoder decoding
// each <lead> straight from the stream.
func BenchmarkXMLRowsBaseline(b *testing.B) {
	data := benchLeads(10_000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		d := xml.NewDecoder(bufio.NewReader(bytes.NewReader(data)))
		n := 0
		for {
			tok, err := d.Token()
			if err != nil {
				break
			}
			if s, ok := tok.(xml.StartElement); ok && s.Name.Local == "lead" {
				var l noojee.Lead
				if err := d.DecodeElement(&l, &s); err != nil {
					b.Fatal(err)
				}
				n++
			}
		}
		if n != 10_000 {
			b.Fatalf("%d records", n)
		}
	}
}
