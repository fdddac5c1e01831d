package pardot

import (
	"strconv"
	"unicode/utf8"

	"github.com/crmbatch/crmbatch/internal/codec"
)

// operation is one of the three batch endpoints.
type operation uint8

const (
	opCreate operation = iota + 1
	opUpdate
	opUpsert
)

// path returns the endpoint's last path segment.
func (o operation) path() string {
	switch o {
	case opCreate:
		return "batchCreate"
	case opUpdate:
		return "batchUpdate"
	default:
		return "batchUpsert"
	}
}

// keyedBy returns the identifier a version 3 record is keyed by: the id
// when set (never on create), else the email.
func keyedBy(op operation, p *Prospect) identKind {
	if op != opCreate && p.ID != 0 {
		return identID
	}
	return identEmail
}

// v3Key returns the key of p in a version 3 document.
func v3Key(op operation, p *Prospect) string {
	if keyedBy(op, p) == identID {
		return strconv.FormatInt(p.ID, 10)
	}
	return p.Email
}

// encodeBatch appends the "prospects" document for ps to dst: the version 3
// keyed map or the version 4 flat array, in JSON or XML. The records must
// have passed validation.
func encodeBatch(dst []byte, version int, format Format, op operation, ps []Prospect) []byte {
	fields := make([]field, 0, 16)
	if format == XML {
		dst = append(dst, "<prospects>"...)
		for i := range ps {
			p := &ps[i]
			skip := identNone
			if version == 3 {
				skip = keyedBy(op, p)
				dst = append(dst, `<prospect identifier="`...)
				dst = appendXMLText(dst, v3Key(op, p))
				dst = append(dst, `">`...)
			} else {
				dst = append(dst, "<prospect>"...)
			}
			fields = p.appendFields(fields[:0], skip)
			for _, f := range fields {
				dst = append(dst, '<')
				dst = append(dst, f.name...)
				dst = append(dst, '>')
				dst = appendXMLText(dst, f.value)
				dst = append(dst, "</"...)
				dst = append(dst, f.name...)
				dst = append(dst, '>')
			}
			dst = append(dst, "</prospect>"...)
		}
		return append(dst, "</prospects>"...)
	}
	open, closing := byte('['), byte(']')
	if version == 3 {
		open, closing = '{', '}'
	}
	dst = append(dst, `{"prospects":`...)
	dst = append(dst, open)
	for i := range ps {
		p := &ps[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		skip := identNone
		if version == 3 {
			skip = keyedBy(op, p)
			dst = codec.AppendJSONString(dst, v3Key(op, p), true)
			dst = append(dst, ':')
		}
		dst = append(dst, '{')
		fields = p.appendFields(fields[:0], skip)
		for j, f := range fields {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = codec.AppendJSONString(dst, f.name, true)
			dst = append(dst, ':')
			if f.literal {
				dst = append(dst, f.value...)
			} else {
				dst = codec.AppendJSONString(dst, f.value, true)
			}
		}
		dst = append(dst, '}')
	}
	dst = append(dst, closing)
	return append(dst, '}')
}

// appendXMLText appends s escaped as encoding/xml.EscapeText does, usable
// in text and in double-quoted attributes; characters XML cannot hold
// become U+FFFD.
func appendXMLText(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		var esc string
		switch r {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			if !xmlChar(r) || (r == utf8.RuneError && size == 1) {
				esc = "\uFFFD"
			} else {
				i += size
				continue
			}
		}
		dst = append(dst, s[start:i]...)
		dst = append(dst, esc...)
		i += size
		start = i
	}
	return append(dst, s[start:]...)
}

// xmlChar reports whether r may appear in an XML document.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
