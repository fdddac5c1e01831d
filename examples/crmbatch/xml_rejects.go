package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"strconv"
)

// An XML rejects file has the input's root element and, per rejected
// record, one line holding a _crmbatch_reject element: the rejection in
// its attributes (line, key, status, code, message; key and code left out
// when empty) and the record in its typed XML form inside it:
//
//	<?xml version="1.0" encoding="UTF-8"?>
//	<leads>
//	<_crmbatch_reject line="3" key="A2" status="failed" code="no phone number (104)" message="…"><lead>…</lead></_crmbatch_reject>
//	</leads>
//
// The XML reader takes the record out of the wrapper and skips the
// attributes, so the file imports again as it is. A record that could not
// be decoded is written as its element's text as read, to be fixed; one
// that could is written from its decoded value (encoding/xml), which
// decodes to the same record.

// errXMLEnded: the XML rejects file was ended for an exit at once (a
// second Ctrl-C); a reject that comes after is not written.
var errXMLEnded = errors.New("the XML rejects file was ended for an exit at once")

// xmlRejectsHead starts an XML rejects file.
func xmlRejectsHead(form xmlForm) string {
	return xml.Header + "<" + form.list + ">\n"
}

// xmlRejectsTail ends an XML rejects file.
func xmlRejectsTail(form xmlForm) string {
	return "</" + form.list + ">\n"
}

// xmlReject is one reject's line in an XML rejects file.
func xmlReject(form xmlForm, r reject) ([]byte, error) {
	var b bytes.Buffer
	e := xml.NewEncoder(&b)
	wrapper := xml.StartElement{Name: xml.Name{Local: xmlRejectElement}}
	attr := func(name, value string) {
		wrapper.Attr = append(wrapper.Attr, xml.Attr{Name: xml.Name{Local: name}, Value: value})
	}
	attr("line", strconv.Itoa(r.Line))
	if r.Key != "" {
		attr("key", r.Key)
	}
	attr("status", r.Status)
	if r.Code != "" {
		attr("code", r.Code)
	}
	attr("message", r.Message)
	if err := e.EncodeToken(wrapper); err != nil {
		return nil, err
	}
	switch {
	case r.Record != nil:
		if err := e.EncodeElement(r.Record, xml.StartElement{Name: xml.Name{Local: form.item}}); err != nil {
			return nil, err
		}
	case r.Raw != nil:
		if err := e.Flush(); err != nil {
			return nil, err
		}
		b.Write(r.Raw) // well-formed: the reader parsed it to its end
	}
	if err := e.EncodeToken(wrapper.End()); err != nil {
		return nil, err
	}
	if err := e.Close(); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// writeXML writes one reject (rw.mu held, the file open).
func (rw *rejectWriter) writeXML(r reject) error {
	b, err := xmlReject(rw.xmlForm, r)
	if err != nil {
		return err
	}
	_, err = rw.buf.Write(b)
	return err
}
