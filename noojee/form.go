package noojee

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// The XML element names of a Lead and a Target marshalled on their own.
const (
	leadElement   = "lead"
	targetElement = "target"
)

// leadFields is Lead without its methods: its fields and their tags.
type leadFields Lead

// leadForm is Lead's JSON and XML form: its tagged fields, then CallBack
// and CallBackZone as text.
type leadForm struct {
	leadFields
	CallBack     string `json:"njCallBackDate,omitempty" xml:"njCallBackDate,omitempty"`
	CallBackZone string `json:"callBackZone,omitempty" xml:"callBackZone,omitempty"`
}

// form returns l's JSON and XML form. CallBack is written in the zone it
// is sent in when the campaign names none (callBackZone), and CallBackZone
// by name unless reading the form back gives it anyway (UTC, when
// ContactHours names no zone).
func (l Lead) form() leadForm {
	f := leadForm{leadFields: leadFields(l)}
	if !l.CallBack.IsZero() {
		f.CallBack = FormatCallBack(l.CallBack, callBackZone(&l, nil))
	}
	if l.CallBackZone != nil && !(isUTC(l.CallBackZone) && !l.CallBack.IsZero() && zoneNamed(l.ContactHours) == nil) {
		f.CallBackZone = zoneText(l.CallBackZone, l.CallBack)
	}
	return f
}

// lead reads a form back into a Lead. njCallBackDate is read in
// callBackZone, else in the zone ContactHours names, else in UTC (then
// CallBackZone is UTC, so the lead sends the date as written).
func (f leadForm) lead() (Lead, error) {
	l := Lead(f.leadFields)
	if f.CallBackZone != "" {
		loc, err := zoneFromText(f.CallBackZone)
		if err != nil {
			return Lead{}, err
		}
		l.CallBackZone = loc
	}
	if f.CallBack == "" {
		return l, nil
	}
	zone := l.CallBackZone
	if zone == nil {
		zone = zoneNamed(l.ContactHours)
	}
	if zone == nil {
		zone, l.CallBackZone = time.UTC, time.UTC
	}
	t, err := ParseCallBack(f.CallBack, zone)
	if err != nil {
		return Lead{}, fmt.Errorf("noojee: %s %q: want %q", FieldCallBackDate, f.CallBack, CallBackLayout)
	}
	l.CallBack = t
	return l, nil
}

// MarshalJSON writes the lead's JSON form (see the package doc).
func (l Lead) MarshalJSON() ([]byte, error) { return json.Marshal(l.form()) }

// UnmarshalJSON reads the lead's JSON form (see the package doc).
func (l *Lead) UnmarshalJSON(b []byte) error {
	var f leadForm
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	v, err := f.lead()
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// MarshalXML writes the lead's XML form (see the package doc): a <lead>
// element when marshalled on its own, else the element its field names.
func (l Lead) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement(l.form(), rootName(start, "Lead", leadElement))
}

// UnmarshalXML reads the lead's XML form (see the package doc), whatever
// the element's name.
func (l *Lead) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var f leadForm
	if err := d.DecodeElement(&f, &start); err != nil {
		return err
	}
	v, err := f.lead()
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// targetFields is Target without its methods.
type targetFields Target

// targetForm is Target's JSON and XML form: Zone by name.
type targetForm struct {
	targetFields
	Zone string `json:"zone,omitempty" xml:"zone,omitempty"`
}

// MarshalJSON writes the target's JSON form (see the package doc).
func (t Target) MarshalJSON() ([]byte, error) { return json.Marshal(t.form()) }

// UnmarshalJSON reads the target's JSON form (see the package doc).
func (t *Target) UnmarshalJSON(b []byte) error {
	var f targetForm
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	return f.into(t)
}

// MarshalXML writes the target's XML form (see the package doc): a
// <target> element when marshalled on its own.
func (t Target) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return e.EncodeElement(t.form(), rootName(start, "Target", targetElement))
}

// UnmarshalXML reads the target's XML form (see the package doc).
func (t *Target) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var f targetForm
	if err := d.DecodeElement(&f, &start); err != nil {
		return err
	}
	return f.into(t)
}

// form returns t's JSON and XML form.
func (t Target) form() targetForm {
	f := targetForm{targetFields: targetFields(t)}
	if t.Zone != nil {
		f.Zone = zoneText(t.Zone, time.Now())
	}
	return f
}

// into stores the form in *t.
func (f targetForm) into(t *Target) error {
	v := Target(f.targetFields)
	if f.Zone != "" {
		loc, err := zoneFromText(f.Zone)
		if err != nil {
			return err
		}
		v.Zone = loc
	}
	*t = v
	return nil
}

// rootName gives an element marshalled on its own (named after its Go
// type, typeName) its documented name; a field's own name is kept.
func rootName(start xml.StartElement, typeName, element string) xml.StartElement {
	if start.Name.Space == "" && start.Name.Local == typeName {
		start.Name.Local = element
	}
	return start
}

// isUTC reports whether loc is UTC.
func isUTC(loc *time.Location) bool { return loc == time.UTC || loc.String() == "UTC" }

// zoneText names loc for a file: its IANA name when the name loads back,
// else ("Local", or a zone made with time.FixedZone) its UTC offset at
// instant at, as "+10:00".
func zoneText(loc *time.Location, at time.Time) string {
	if isUTC(loc) {
		return "UTC"
	}
	if name := loc.String(); zoneNamed(name) != nil {
		return name
	}
	_, off := at.In(loc).Zone()
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	return fmt.Sprintf("%s%02d:%02d", sign, off/3600, off%3600/60)
}

// offsetText matches a zone written as a UTC offset.
var offsetText = regexp.MustCompile(`^([+-])(\d\d):(\d\d)$`)

// zoneFromText reads a zone written by zoneText: an IANA name or a UTC
// offset.
func zoneFromText(s string) (*time.Location, error) {
	if m := offsetText.FindStringSubmatch(s); m != nil {
		h, _ := strconv.Atoi(m[2])
		mi, _ := strconv.Atoi(m[3])
		if h > 23 || mi > 59 {
			return nil, fmt.Errorf("noojee: zone %q: offset out of range", s)
		}
		off := h*3600 + mi*60
		if m[1] == "-" {
			off = -off
		}
		return time.FixedZone(s, off), nil
	}
	if s == "UTC" {
		return time.UTC, nil
	}
	if loc := zoneNamed(s); loc != nil {
		return loc, nil
	}
	return nil, fmt.Errorf("noojee: zone %q: want an IANA name or a UTC offset such as +10:00", s)
}
