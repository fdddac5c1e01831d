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
		dst = codec.AppendJSONString(dst, k, false)
		dst = append(dst, ':')
		if v, ok := l.Fields[k]; ok {
			dst = codec.AppendJSONString(dst, v, false)
			continue
		}
		for _, kv := range sys {
			if kv.key == k {
				if kv.number {
					dst = append(dst, kv.value...)
				} else {
					dst = codec.AppendJSONString(dst, kv.value, false)
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
