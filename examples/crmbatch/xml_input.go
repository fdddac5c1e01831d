package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
)

// An XML input file is one root element holding one element per record,
// in the vendor's typed XML form (the package doc's "XML form"):
//
//	<leads>
//	  <lead>…</lead>
//	  <_crmbatch_reject line="3" status="failed" …><lead>…</lead></_crmbatch_reject>
//	</leads>
//
// A record wrapped in a _crmbatch_reject element (as the rejects file
// writes it) is read as the record; the wrapper's attributes are the
// rejection's metadata and are skipped, so a rejects file imports again
// as it is. Records are read one at a time: memory holds one record.

// xmlRejectElement wraps a record in an XML rejects file.
const xmlRejectElement = rejectPrefix + "reject"

// xmlForm is how one vendor and operation's records are written in XML:
// the root element, the record element, and the decoding of one record
// element into the vendor's typed record.
type xmlForm struct {
	list, item string
	// known are the record's child elements the type reads; another one
	// would be dropped unread, so the record is refused. nil: any child
	// goes in (Pardot's custom fields).
	known []string
	// decode reads one record element (its text from < to >).
	decode func(element []byte) (any, error)
}

// xmlFormOf is the form of records of type T, decoded with encoding/xml.
func xmlFormOf[T any](list, item string) xmlForm {
	return xmlForm{list: list, item: item, known: xmlChildNames[T](), decode: func(element []byte) (any, error) {
		var v T
		if err := xml.Unmarshal(element, &v); err != nil {
			return nil, err
		}
		return v, nil
	}}
}

// recordOr is the vendor record of r: the one decoded from XML input when
// there is one, else f's conversion of r's fields.
func recordOr[T any](r row, f func(row) (T, error)) (T, error) {
	if r.Record == nil {
		return f(r)
	}
	v, ok := r.Record.(T)
	if !ok {
		return v, fmt.Errorf("an XML record read as %T, where this operation sends %T", r.Record, v)
	}
	return v, nil
}

// recorder is the byte source of the XML decoder: it keeps the bytes read
// since keep, so that a record element's own text can be cut out.
type recorder struct {
	r    io.ByteReader
	base int64 // the input offset of buf[0]
	buf  []byte
}

func (rc *recorder) ReadByte() (byte, error) {
	b, err := rc.r.ReadByte()
	if err == nil {
		rc.buf = append(rc.buf, b)
	}
	return b, err
}

// Read is io.Reader's, which xml.NewDecoder asks for; being an
// io.ByteReader, the recorder is read with ReadByte only.
func (rc *recorder) Read(p []byte) (int, error) {
	for i := range p {
		b, err := rc.ReadByte()
		if err != nil {
			return i, err
		}
		p[i] = b
	}
	return len(p), nil
}

// keep drops what was read before offset.
func (rc *recorder) keep(offset int64) {
	n := copy(rc.buf, rc.buf[offset-rc.base:])
	rc.buf, rc.base = rc.buf[:n], offset
}

// text is the input from offset from to offset to.
func (rc *recorder) text(from, to int64) []byte {
	return rc.buf[from-rc.base : to-rc.base]
}

// xmlRows streams the records of an XML text in form. It reads up to the
// root element before returning, and refuses a file whose root is not
// form.list. A record element that does not decode is passed to bad (its
// text kept for the rejects file) and skipped; a file that stops being
// well-formed XML ends the reading there, reported to bad as a *readStopped.
func xmlRows(ctx context.Context, r *bufio.Reader, form xmlForm, bad func(rowError)) (iter.Seq[row], error) {
	rc := &recorder{r: r}
	d := xml.NewDecoder(rc)
	root, err := xmlRoot(d)
	if err != nil {
		return nil, err
	}
	if root.Name.Local != form.list {
		return nil, fmt.Errorf("the root element is <%s>: want <%s> holding one <%s> per record (see -help)", root.Name.Local, form.list, form.item)
	}
	return func(yield func(row) bool) {
		pos := 0
		for ctx.Err() == nil {
			el, line, err := nextElement(d, rc)
			if errors.Is(err, io.EOF) || ctx.Err() != nil {
				return
			}
			if err != nil {
				bad(rowError{Err: &readStopped{line, fmt.Errorf("not well-formed XML: %w", err)}})
				return
			}
			rec, inner, err := unwrapReject(el, form.item)
			if err == nil && rec == nil {
				continue // a rejects wrapper without a record: nothing to import
			}
			var v any
			if err == nil {
				v, err = form.decode(rec)
			}
			if err == nil {
				err = form.checkChildren(rec)
			}
			if err != nil {
				if rec == nil { // a wrapper that is not well-formed inside
					rec = el
				}
				bad(rowError{row{Pos: pos, Line: line + inner, Raw: bytes.Clone(rec)}, fmt.Errorf("<%s>: %w", form.item, err)})
				pos++
				continue
			}
			if !yield(row{Pos: pos, Line: line + inner, Record: v}) {
				return
			}
			pos++
		}
	}, nil
}

// xmlRoot reads up to the root element's start, past the prolog.
func xmlRoot(d *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return xml.StartElement{}, errors.New("no XML element in the file")
		}
		if err != nil {
			return xml.StartElement{}, fmt.Errorf("not well-formed XML: %w", err)
		}
		if s, ok := tok.(xml.StartElement); ok {
			return s, nil
		}
	}
}

// nextElement returns the text of the root's next child element (in the
// recorder's buffer, valid until the next call) and the line it starts on; io.EOF at the root's end. Text, comments and
// processing instructions between records are skipped.
func nextElement(d *xml.Decoder, rc *recorder) ([]byte, int, error) {
	for {
		from := d.InputOffset()
		line, _ := d.InputPos()
		rc.keep(from)
		tok, err := d.Token()
		if err != nil {
			return nil, line, err
		}
		switch tok.(type) {
		case xml.EndElement:
			return nil, line, io.EOF // the root's end
		case xml.StartElement:
		default:
			continue
		}
		if err := d.Skip(); err != nil {
			return nil, line, err
		}
		el := rc.text(from, d.InputOffset())
		lead := bytes.IndexByte(el, '<')
		return el[lead:], line + bytes.Count(el[:lead], []byte("\n")), nil
	}
}

// unwrapReject returns the record element of el: el itself, or, when el
// is a rejects wrapper, its first child element (with the lines from
// el's start to it), nil for a wrapper without one. An element other
// than a record is an error, its text the one to keep.
func unwrapReject(el []byte, item string) (record []byte, lines int, err error) {
	if rest, ok := bytes.CutPrefix(el, []byte("<"+item)); ok && len(rest) > 0 && bytes.IndexByte([]byte(" \t\r\n/>"), rest[0]) >= 0 {
		return el, 0, nil // the common case, without a decoder
	}
	d := xml.NewDecoder(bytes.NewReader(el))
	start, err := xmlRoot(d)
	if err != nil {
		return nil, 0, err
	}
	if start.Name.Local == xmlRejectElement {
		for record == nil {
			from := d.InputOffset()
			tok, err := d.Token()
			if err != nil {
				return nil, 0, err
			}
			switch t := tok.(type) {
			case xml.EndElement:
				return nil, 0, nil
			case xml.StartElement:
				if err := d.Skip(); err != nil {
					return nil, 0, err
				}
				inner := el[from:d.InputOffset()]
				lead := bytes.IndexByte(inner, '<')
				record, lines, start = inner[lead:], bytes.Count(el[:int(from)+lead], []byte("\n")), t
			}
		}
	} else {
		record = el
	}
	if start.Name.Local != item {
		return record, lines, fmt.Errorf("<%s> where a <%s> record is wanted", start.Name.Local, item)
	}
	return record, lines, nil
}

// looksXML reports whether text starts as an XML document does.
func looksXML(text []byte) bool {
	return strings.HasPrefix(string(bytes.TrimLeft(text, " \t\r\n")), "<")
}

// checkXMLFlags refuses flags that do not apply to XML input, or that
// need it.
func checkXMLFlags(o options) error {
	switch {
	case o.format == "xml" && o.mapFile != "":
		return errors.New("-map renames CSV and JSON Lines columns; XML records are read in the vendor's typed form (see -help)")
	case o.format == "xml" && o.rejFormat != "xml":
		return fmt.Errorf("-rejects-format %s: XML input is rejected as XML, in the records' typed form", o.rejFormat)
	case o.format != "xml" && o.rejFormat == "xml":
		return errors.New("-rejects-format xml: only for XML input (the typed XML form is read from XML)")
	}
	return nil
}

// checkChildren refuses a record element with a child element the
// record's type does not read, which decoding would drop unnoticed. The
// element is well-formed (the reader parsed it), so raw tokens serve.
func (f xmlForm) checkChildren(element []byte) error {
	if f.known == nil {
		return nil
	}
	d := xml.NewDecoder(bytes.NewReader(element))
	for depth := 0; ; {
		tok, err := d.RawToken()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if depth--; depth == 0 {
				return nil
			}
		case xml.StartElement:
			if depth++; depth == 2 && !slices.Contains(f.known, t.Name.Local) {
				msg := fmt.Sprintf("<%s> has an element <%s> that %s records do not have", f.item, t.Name.Local, f.item)
				if s := closest(t.Name.Local, f.known); s != "" {
					msg += fmt.Sprintf(" (did you mean <%s>?)", s)
				}
				return errors.New(msg + ": it would be lost")
			}
		}
	}
}
