package main

import (
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
		return xmlFormOf[noojee.Lead]("leads", "lead")
	case "pardot":
		return xmlFormOf[pardot.Prospect]("prospects", "prospect") // the version 4 document
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
