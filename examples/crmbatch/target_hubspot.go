package main

import (
	"cmp"
	"context"
	"errors"
	"iter"
	"strconv"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
)

// hubspotTarget imports CRM objects of -object's type; columns are
// HubSpot property names. "create" sends every column as a property;
// "update" takes the record id from the "id" column; "upsert" matches on
// the unique property -id-property names (email by default), whose column
// must be present. Credentials: HUBSPOT_TOKEN (HUBSPOT_BASE_URL optional),
// as examples/hubspot.
var hubspotTarget = target{
	ops: []operation{
		{"upsert", "create or update by the unique property -id-property names (email)", true},
		{"create", "create every record (a repeated contact email is refused)", false},
		{"update", "update by record id (the id column)", true},
	},
	credentials: "HUBSPOT_TOKEN",
	example:     "crmbatch -vendor hubspot -op upsert -in contacts.csv  (columns email,firstname,lastname)",
	columns:     hubspotColumns,
	code:        vendorCode(func(e *hubspot.Error) hubspot.Code { return e.Code }),
	run: func(ctx context.Context, j *job, rows iter.Seq[row]) (summary, error) {
		opts := []hubspot.Option{hubspot.WithEngine(j.engine(batch.RetryPolicy{}))}
		token := j.getenv("HUBSPOT_TOKEN")
		switch {
		case j.useFake():
			srv := hubspottest.NewServer()
			defer srv.Close()
			srv.SetCountOnly(true)
			srv.SetRateLimit(0, 0) // the fake need not be paced
			token = hubspottest.DefaultToken
			opts = append(opts, hubspot.WithBaseURL(srv.BaseURL()))
		case token == "":
			return summary{}, errors.New("set HUBSPOT_TOKEN (or use -fake)")
		default:
			if u := cmp.Or(j.opts.baseURL, j.getenv("HUBSPOT_BASE_URL")); u != "" {
				opts = append(opts, hubspot.WithBaseURL(u))
			}
			// Stay under the burst limit of OAuth apps and Starter accounts.
			opts = append(opts, hubspot.WithEngine(batch.Config{Limiter: hubspot.BurstLimiter(100)}))
		}
		opts = append(opts, hubspot.WithToken(token))
		c, err := hubspot.New(opts...)
		if err != nil {
			return summary{}, err
		}
		objects := c.Objects(j.opts.object)
		idProp := j.opts.idProperty
		return j.inSegments(ctx, rows, func(rows iter.Seq[row]) summary {
			var rep *batch.Report[hubspot.Result]
			switch j.opts.op {
			case "create":
				rep, _ = objects.Create(ctx, convert(rows, j, func(r row) (hubspot.CreateInput, error) {
					return hubspotCreate(j.opts.object, r), nil
				}))
			case "update":
				rep, _ = objects.Update(ctx, convert(rows, j, func(r row) (hubspot.UpdateInput, error) {
					props := hubspot.Properties{}
					for k, v := range r.Fields {
						if k != "id" {
							props[k] = v
						}
					}
					return hubspot.UpdateInput{ID: r.Fields["id"], Properties: props}, nil
				}))
			default:
				rep, _ = objects.Upsert(ctx, convert(rows, j, func(r row) (hubspot.UpsertInput, error) {
					id, ok := r.Fields[idProp]
					if !ok {
						return hubspot.UpsertInput{}, errors.New("no value in the -id-property column " + idProp)
					}
					return hubspot.UpsertInput{ID: id, IDProperty: idProp, Properties: hubspot.Properties(r.Fields)}, nil
				}))
			}
			return summarize(rep)
		}), nil
	},
}

// hubspotCreate is the create input of a row. Its outcome key, which the
// journal and the rejects file show, is what a person can find the record
// by: a contact's email, or else (other object types, a contact without
// one) the input line, sent as the objectWriteTraceId ("line-42").
func hubspotCreate(object string, r row) hubspot.CreateInput {
	in := hubspot.CreateInput{Properties: hubspot.Properties(r.Fields)}
	contacts := object == "contacts" || object == "0-1" // keyed by email
	if !contacts || r.Fields["email"] == "" {
		in.ObjectWriteTraceID = "line-" + strconv.Itoa(r.Line)
	}
	return in
}

// hubspotDefaultProperties are the properties every HubSpot account has on
// contacts and companies (HubSpot's "default properties" lists); an
// account adds its own, which -custom-properties names.
var hubspotDefaultProperties = map[string][]string{
	"contacts": {"email", "firstname", "lastname", "phone", "mobilephone", "fax", "company", "website", "jobtitle",
		"address", "city", "state", "zip", "country", "industry", "annualrevenue", "numemployees", "salutation",
		"lifecyclestage", "hs_lead_status", "hubspot_owner_id", "hs_language", "date_of_birth", "message",
		"twitterhandle", "hs_persona", "hs_timezone", "hs_object_id", "hs_email_optout"},
	"companies": {"name", "domain", "website", "phone", "address", "address2", "city", "state", "zip", "country",
		"industry", "numberofemployees", "annualrevenue", "description", "type", "lifecyclestage",
		"hubspot_owner_id", "timezone", "linkedin_company_page", "founded_year", "is_public", "hs_object_id"},
}

// hubspotColumns: HubSpot refuses a property the account does not have
// (PROPERTY_DOESNT_EXIST), so on contacts and companies every column must
// be a default property or one -custom-properties names.
func hubspotColumns(o options) columnRules {
	cr := columnRules{unchecked: "that the account has the custom properties named, property values (enumeration options, dates), uniqueness against records already in HubSpot"}
	if props, ok := hubspotDefaultProperties[o.object]; ok {
		cr.known = append(append([]string{"id"}, props...), o.customProps...)
		cr.strict = true
	} else {
		cr.unchecked = "the properties of object type " + o.object + " (only contacts' and companies' are known here), " + cr.unchecked
	}
	switch o.op {
	case "update":
		cr.required = [][]string{{"id"}}
	case "upsert":
		cr.required = [][]string{{o.idProperty}}
		if cr.known != nil {
			cr.known = append(cr.known, o.idProperty)
		}
	}
	return cr
}
