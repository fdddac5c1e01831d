package noojee

import (
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/crmbatch/crmbatch/internal/codec"
)

// encodeLead writes the lead as one JSON object, keys sorted, template
// fields and system fields together. It assumes the lead passed validate.
// It writes without reflection and, for a lead of up to maxStackKeys
// fields, allocates nothing but dst's growth (sized once up front).
func encodeLead(dst []byte, l *Lead, t *Target) []byte {
	var sysArr [len(systemKeys)]sysValue
	sys := systemValues(sysArr[:0], l)
	var keyArr [maxStackKeys]string
	keys := keyArr[:0]
	size := 2
	for k, v := range l.Fields {
		keys = append(keys, k)
		size += len(k) + len(v) + 6 // "k":"v", with no escape
	}
	for _, kv := range sys {
		keys = append(keys, kv.key)
		size += len(kv.key) + kv.valueLen() + 6
	}
	slices.Sort(keys)
	dst = slices.Grow(dst, size)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = codec.AppendJSONString(dst, k, false)
		dst = append(dst, ':')
		if v, ok := l.Fields[k]; ok {
			dst = codec.AppendJSONString(dst, v, false)
			continue
		}
		for _, kv := range sys {
			if kv.key == k {
				dst = kv.append(dst, l, t)
				break
			}
		}
	}
	return append(dst, '}')
}

// maxStackKeys is how many keys encodeLead sorts without allocating.
const maxStackKeys = 32

// systemKeys are the typed system fields, in the order systemValues
// lists them.
var systemKeys = [...]string{FieldCallBackDate, FieldContactHours, FieldDisposition, FieldExternalID, FieldPriority}

// sysValue is one typed system field the lead sets: its key, and its
// value when it is a string (njCallBackDate and njPriority are written
// from the lead by append).
type sysValue struct {
	key, value string
}

// valueLen is about how many bytes append writes for the value, to size
// the buffer once.
func (kv sysValue) valueLen() int {
	switch kv.key {
	case FieldPriority:
		return 3
	case FieldCallBackDate:
		return len(CallBackLayout) + 2
	}
	return len(kv.value) + 2
}

// systemValues appends to dst the typed system fields the lead sets.
func systemValues(dst []sysValue, l *Lead) []sysValue {
	if !l.CallBack.IsZero() {
		dst = append(dst, sysValue{key: FieldCallBackDate})
	}
	if l.ContactHours != "" {
		dst = append(dst, sysValue{key: FieldContactHours, value: l.ContactHours})
	}
	if l.Disposition != "" {
		dst = append(dst, sysValue{key: FieldDisposition, value: l.Disposition})
	}
	if l.ExternalID != "" {
		dst = append(dst, sysValue{key: FieldExternalID, value: l.ExternalID})
	}
	if l.Priority != nil {
		dst = append(dst, sysValue{key: FieldPriority})
	}
	return dst
}

// append writes the field's JSON value: njPriority as a number,
// njCallBackDate in Noojee's layout and the lead's zone (only digits,
// '/', ' ' and ':', nothing to escape), the others as strings.
func (kv sysValue) append(dst []byte, l *Lead, t *Target) []byte {
	switch kv.key {
	case FieldPriority:
		return strconv.AppendInt(dst, int64(*l.Priority), 10)
	case FieldCallBackDate:
		cb := l.CallBack
		if loc := callBackZone(l, t); loc != nil {
			cb = cb.In(loc)
		}
		dst = append(dst, '"')
		dst = appendCallBack(dst, cb)
		return append(dst, '"')
	}
	return codec.AppendJSONString(dst, kv.value, false)
}

// appendCallBack appends t in CallBackLayout (yyyy/MM/dd HH:mm), the
// bytes t.AppendFormat(dst, CallBackLayout) writes, without parsing the
// layout for every lead.
func appendCallBack(dst []byte, t time.Time) []byte {
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(dst, CallBackLayout)
	}
	hour, minute, _ := t.Clock()
	dst = appendPadded(dst, year, 4)
	dst = append(dst, '/')
	dst = appendPadded(dst, int(month), 2)
	dst = append(dst, '/')
	dst = appendPadded(dst, day, 2)
	dst = append(dst, ' ')
	dst = appendPadded(dst, hour, 2)
	dst = append(dst, ':')
	return appendPadded(dst, minute, 2)
}

// appendPadded appends v (0 <= v < 10^width) in width digits, zero-padded.
func appendPadded(dst []byte, v, width int) []byte {
	for p := pow10(width - 1); p > 0; p /= 10 {
		dst = append(dst, byte('0'+v/p%10))
	}
	return dst
}

// pow10 is 10 to the power n.
func pow10(n int) int {
	p := 1
	for range n {
		p *= 10
	}
	return p
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
