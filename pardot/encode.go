package pardot

import (
	"bytes"
	"slices"
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
	var fields [32]field // the typed fields fit; custom fields may spill
	if format == XML {
		dst = append(dst, "<prospects>"...)
		for i := range ps {
			dst = appendEntry(dst, version, format, op, &ps[i], fields[:0])
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
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendEntry(dst, version, format, op, &ps[i], fields[:0])
	}
	dst = append(dst, closing)
	return append(dst, '}')
}

// appendEntry appends one prospect's entry of the document: its XML
// element, or its JSON object (preceded in version 3 by its key). fields
// is scratch space for its fields.
func appendEntry(dst []byte, version int, format Format, op operation, p *Prospect, fields []field) []byte {
	skip := identNone
	if version == 3 {
		skip = keyedBy(op, p)
	}
	fields = p.appendFields(fields, skip)
	if format == XML {
		if version == 3 {
			dst = append(dst, `<prospect identifier="`...)
			dst = appendXMLText(dst, v3Key(op, p))
			dst = append(dst, `">`...)
		} else {
			dst = append(dst, "<prospect>"...)
		}
		for _, f := range fields {
			dst = append(dst, '<')
			dst = append(dst, f.name...)
			dst = append(dst, '>')
			dst = appendXMLText(dst, f.value)
			dst = append(dst, "</"...)
			dst = append(dst, f.name...)
			dst = append(dst, '>')
		}
		return append(dst, "</prospect>"...)
	}
	if version == 3 {
		dst = codec.AppendJSONString(dst, v3Key(op, p), true)
		dst = append(dst, ':')
	}
	return appendJSONFields(dst, fields)
}

// appendJSONFields appends one prospect's JSON object.
func appendJSONFields(dst []byte, fields []field) []byte {
	dst = append(dst, '{')
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

// identKind says which identifier a version 3 record is keyed by, so the
// body leaves it out.
type identKind uint8

const (
	identNone identKind = iota // version 4: identifiers are body fields
	identID
	identEmail
)

// field is one name/value pair of the wire body. literal marks a JSON
// literal (true/false) that is not quoted.
type field struct {
	name, value string
	literal     bool
}

// appendFields appends p's non-empty fields in wire order, leaving out the
// identifier the record is keyed by: the typed fields, then the custom
// fields sorted by name.
func (p *Prospect) appendFields(dst []field, skip identKind) []field {
	dst = p.appendTyped(dst, skip)
	if len(p.Fields) > 0 {
		start := len(dst)
		for k, v := range p.Fields {
			dst = append(dst, field{name: k, value: v})
		}
		slices.SortFunc(dst[start:], func(a, b field) int {
			switch {
			case a.name < b.name:
				return -1
			case a.name > b.name:
				return 1
			}
			return 0
		})
	}
	return dst
}

// appendTyped appends p's non-empty typed fields in wire order, leaving
// out the identifier the record is keyed by.
func (p *Prospect) appendTyped(dst []field, skip identKind) []field {
	if skip != identID {
		dst = appendNum(dst, "id", p.ID)
	}
	dst = appendStr(dst, "fid", p.FID)
	if skip != identEmail {
		dst = appendStr(dst, "email", p.Email)
	}
	dst = appendStr(dst, "salutation", p.Salutation)
	dst = appendStr(dst, "first_name", p.FirstName)
	dst = appendStr(dst, "last_name", p.LastName)
	dst = appendStr(dst, "company", p.Company)
	dst = appendStr(dst, "website", p.Website)
	dst = appendStr(dst, "job_title", p.JobTitle)
	dst = appendStr(dst, "department", p.Department)
	dst = appendStr(dst, "country", p.Country)
	dst = appendStr(dst, "address_one", p.AddressOne)
	dst = appendStr(dst, "address_two", p.AddressTwo)
	dst = appendStr(dst, "city", p.City)
	dst = appendStr(dst, "state", p.State)
	dst = appendStr(dst, "territory", p.Territory)
	dst = appendStr(dst, "zip", p.Zip)
	dst = appendStr(dst, "phone", p.Phone)
	dst = appendStr(dst, "fax", p.Fax)
	dst = appendStr(dst, "source", p.Source)
	dst = appendStr(dst, "annual_revenue", p.AnnualRevenue)
	dst = appendStr(dst, "employees", p.Employees)
	dst = appendStr(dst, "industry", p.Industry)
	dst = appendStr(dst, "years_in_business", p.YearsInBusiness)
	dst = appendStr(dst, "comments", p.Comments)
	dst = appendStr(dst, "notes", p.Notes)
	dst = appendNum(dst, "campaign_id", p.CampaignID)
	dst = appendNum(dst, "user_id", p.UserID)
	dst = appendStr(dst, "crm_owner_fid", p.CRMOwnerFID)
	dst = appendBool(dst, "is_do_not_email", p.IsDoNotEmail)
	dst = appendBool(dst, "is_do_not_call", p.IsDoNotCall)
	return appendBool(dst, "opted_out", p.OptedOut)
}

func appendStr(dst []field, name, v string) []field {
	if v == "" {
		return dst
	}
	return append(dst, field{name: name, value: v})
}

func appendNum(dst []field, name string, v int64) []field {
	if v == 0 {
		return dst
	}
	return append(dst, field{name: name, value: strconv.FormatInt(v, 10)})
}

func appendBool(dst []field, name string, v *bool) []field {
	if v == nil {
		return dst
	}
	return append(dst, field{name: name, value: strconv.FormatBool(*v), literal: true})
}

// encodeForm builds the form body "format=…&prospects=…" in memory of its
// own (the transport may read a body after the response came back).
func encodeForm(format string, doc []byte) []byte {
	bp := codec.GetScratch()
	b := append(*bp, "format="...)
	b = append(b, format...)
	b = append(b, "&prospects="...)
	b = appendQueryEscaped(b, doc)
	body := bytes.Clone(b)
	codec.PutScratch(bp, b)
	return body
}

// appendQueryEscaped appends s escaped as url.QueryEscape does.
func appendQueryEscaped(dst, s []byte) []byte {
	const hex = "0123456789ABCDEF"
	n := len(dst)
	dst = slices.Grow(dst, 3*len(s))[:n+3*len(s)] // room for the worst case
	for _, c := range s {
		switch {
		case unreservedBytes[c]:
			dst[n] = c
			n++
		case c == ' ':
			dst[n] = '+'
			n++
		default:
			dst[n], dst[n+1], dst[n+2] = '%', hex[c>>4], hex[c&15]
			n += 3
		}
	}
	return dst[:n]
}

// escapedLen is the length of s once query-escaped.
func escapedLen(s []byte) int {
	n := 0
	for _, c := range s {
		if unreserved(c) || c == ' ' {
			n++
		} else {
			n += 3
		}
	}
	return n
}

// unreserved reports the bytes url.QueryEscape leaves as they are.
func unreserved(c byte) bool { return unreservedBytes[c] }

// unreservedBytes holds true for the bytes url.QueryEscape leaves as they are.
var unreservedBytes = func() (t [256]bool) {
	for c := range t {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~'
	}
	return t
}()
