package main

import (
	"encoding/xml"
	"path/filepath"
	"strings"
)

// The XML report holds what the JSON report holds, each member as an
// element of the same name (report.go's struct tags):
//
//	<report>
//	  <vendor>noojee</vendor><op>insert</op>…
//	  <counts><records_read>3</records_read><succeeded>2</succeeded>…</counts>
//	  …
//	  <failures>
//	    <failure><status>failed</status><code>…</code><reason>…</reason><count>1</count>
//	      <examples><example><line>3</line><key>A2</key><message>…</message></example></examples>
//	    </failure>
//	  </failures>
//	</report>

// reportFormat is the -report file's format: by its extension (.xml or
// .json), else the input's family (XML for XML input, JSON otherwise).
func reportFormat(path, inputFormat string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xml":
		return "xml"
	case ".json":
		return "json"
	}
	if inputFormat == "xml" {
		return "xml"
	}
	return "json"
}

// marshalXMLReport is json.MarshalIndent's XML twin for the report, with
// the XML declaration.
func marshalXMLReport(v any, prefix, indent string) ([]byte, error) {
	b, err := xml.MarshalIndent(v, prefix, indent)
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), b...), nil
}
