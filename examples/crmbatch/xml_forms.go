package main

import (
	"reflect"
	"slices"
	"strings"

	"github.com/crmbatch/crmbatch/agiliron"
	"github.com/crmbatch/crmbatch/hubspot"
	"github.com/crmbatch/crmbatch/noojee"
	"github.com/crmbatch/crmbatch/pardot"
	"github.com/crmbatch/crmbatch/propel"
)

// xmlFormFor is the XML form of the records -vendor and -op send: the
// record type each target's operation takes, under the element name its
// package documents, in a root element named for the list.
func xmlFormFor(vendor, op string) xmlForm {
	switch vendor {
	case "agiliron":
		return xmlFormOf[agiliron.Lead]("Leads", "Lead") // the wire's own document
	case "hubspot":
		if op == "create" {
			return xmlFormOf[hubspot.CreateInput]("inputs", "input")
		}
		return xmlFormOf[hubspot.UpdateInput]("inputs", "input") // update and upsert
	case "noojee":
		// CallBack and CallBackZone are written by Lead's MarshalXML.
		return xmlFormOf[noojee.Lead]("leads", "lead").knowing(noojee.FieldCallBackDate, "callBackZone")
	case "pardot":
		form := xmlFormOf[pardot.Prospect]("prospects", "prospect") // the version 4 document
		form.known = nil                                            // any other element is a custom field
		return form
	case "propel":
		switch kind, _, _ := strings.Cut(op, "-by-"); kind {
		case "customers":
			return xmlFormOf[propel.Customer]("customers", "customer")
		case "contacts":
			return xmlFormOf[propel.Contact]("contacts", "contact")
		default:
			return xmlFormOf[propel.Company]("companies", "company")
		}
	}
	return xmlForm{}
}

// xmlChildNames are the child elements encoding/xml reads into T's
// fields (a tag's first name, else the field's name; an untagged embedded
// struct's own), or nil when T takes any element. A type that reads its
// XML itself (xml.Unmarshaler) may read more: its form adds them (knowing).
func xmlChildNames[T any]() []string { return xmlFieldNames(reflect.TypeFor[T]()) }

func xmlFieldNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("xml"), ",")
		name, _, _ = strings.Cut(name, ">")
		flags := strings.Split(opts, ",")
		switch {
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			embedded := xmlFieldNames(f.Type)
			if embedded == nil {
				return nil
			}
			names = append(names, embedded...)
			continue
		case !f.IsExported() || name == "-" || f.Name == "XMLName":
			continue
		case slices.Contains(flags, "any"):
			return nil
		case slices.ContainsFunc(flags, func(o string) bool {
			return o == "attr" || o == "chardata" || o == "innerxml" || o == "comment"
		}):
			continue
		case name == "":
			name = f.Name
		}
		names = append(names, name)
	}
	return names
}

// knowing adds names to the form's known child elements.
func (f xmlForm) knowing(names ...string) xmlForm {
	f.known = append(slices.Clip(f.known), names...)
	return f
}

// xmlFormsHelp lists a target's XML file forms, for -help:
// "<leads><lead>…" (per operation where they differ).
func xmlFormsHelp(vendor string, t target) string {
	var forms []string
	for _, op := range t.ops {
		f := xmlFormFor(vendor, op.name)
		if s := "<" + f.list + "><" + f.item + ">…"; !slices.Contains(forms, s) {
			forms = append(forms, s)
		}
	}
	return strings.Join(forms, " or ")
}

// xmlSent is the record sent for v, read from XML: v itself, but for a
// HubSpot create without an objectWriteTraceId, which gets the one a CSV
// row gets (hubspotCreate: "line-42" unless a contact has an email), so
// its outcome is keyed by what a person can find it by. The rejects file
// keeps the record as read.
func xmlSent[T any](o options, r row, v T) T {
	in, ok := any(v).(hubspot.CreateInput)
	if !ok || r.Record == nil || in.ObjectWriteTraceID != "" {
		return v
	}
	in.ObjectWriteTraceID = hubspotCreate(o.object, row{Line: r.Line, Fields: in.Properties}).ObjectWriteTraceID
	return any(in).(T)
}
