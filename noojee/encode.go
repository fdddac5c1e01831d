package noojee

import (
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// encodeLead writes the lead as one JSON object, keys sorted, template
// fields and system fields together. It assumes the lead passed validate.
func encodeLead(dst []byte, l *Lead, t *Target) []byte {
	keys := make([]string, 0, len(l.Fields)+5)
	for k := range l.Fields {
		keys = append(keys, k)
	}
	sys := systemValues(l, t)
	for _, kv := range sys {
		keys = append(keys, kv.key)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, k)
		dst = append(dst, ':')
		if v, ok := l.Fields[k]; ok {
			dst = appendJSONString(dst, v)
			continue
		}
		for _, kv := range sys {
			if kv.key == k {
				if kv.number {
					dst = append(dst, kv.value...)
				} else {
					dst = appendJSONString(dst, kv.value)
				}
				break
			}
		}
	}
	return append(dst, '}')
}

// sysValue is one typed system field, ready to write.
type sysValue struct {
	key, value string
	number     bool
}

// systemValues returns the typed system fields the lead sets.
func systemValues(l *Lead, t *Target) []sysValue {
	var out []sysValue
	if !l.CallBack.IsZero() {
		out = append(out, sysValue{key: FieldCallBackDate, value: FormatCallBack(l.CallBack, callBackZone(l, t))})
	}
	if l.ContactHours != "" {
		out = append(out, sysValue{key: FieldContactHours, value: l.ContactHours})
	}
	if l.Disposition != "" {
		out = append(out, sysValue{key: FieldDisposition, value: l.Disposition})
	}
	if l.ExternalID != "" {
		out = append(out, sysValue{key: FieldExternalID, value: l.ExternalID})
	}
	if l.Priority != nil {
		out = append(out, sysValue{key: FieldPriority, value: strconv.Itoa(*l.Priority), number: true})
	}
	return out
}

// callBackZone picks the zone njCallBackDate is written in: the lead's own,
// the zone its ContactHours names, the campaign's, or the time's own.
func callBackZone(l *Lead, t *Target) *time.Location {
	if l.CallBackZone != nil {
		return l.CallBackZone
	}
	if loc := zoneNamed(l.ContactHours); loc != nil {
		return loc
	}
	if t != nil && t.Zone != nil {
		return t.Zone
	}
	return l.CallBack.Location()
}

// zones caches time.LoadLocation by name (nil for names that are not
// zones), since loading reads the zone database each time.
var zones sync.Map

// zoneNamed returns the IANA zone called name, or nil.
func zoneNamed(name string) *time.Location {
	if name == "" || name == "Local" {
		return nil
	}
	if v, ok := zones.Load(name); ok {
		return v.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = nil
	}
	zones.Store(name, loc)
	return loc
}

// FormatCallBack writes t as an njCallBackDate ("yyyy/MM/dd HH:mm") in
// zone loc (t's own zone when loc is nil).
func FormatCallBack(t time.Time, loc *time.Location) string {
	if loc != nil {
		t = t.In(loc)
	}
	return t.Format(CallBackLayout)
}

// ParseCallBack reads an njCallBackDate ("yyyy/MM/dd HH:mm") in zone loc
// (UTC when nil).
func ParseCallBack(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	return time.ParseInLocation(CallBackLayout, s, loc)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string, escaping as encoding/json
// does with HTML escaping off (so "<No Change>" goes out literally, as the
// docs show it); invalid UTF-8 becomes U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
