package main

import (
	"cmp"
	"context"
	"errors"
	"iter"
	"strconv"
	"strings"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/propel"
	"github.com/crmbatch/crmbatch/propel/propeltest"
)

// propelTarget imports customers, contacts or companies; columns are
// Propel's field names (source, sourceId, language, firstName …); nested
// values (addresses, parent) are JSON in their column. Credentials: as
// examples/propel (PROPEL_CLIENT_ID, PROPEL_CLIENT_SECRET, PROPEL_BASE_URL).
var propelTarget = target{
	ops: []operation{
		{"customers-by-sourceid", "upsert customers by source + sourceId", true},
		{"customers-by-id", "upsert customers by Propeller id", true},
		{"contacts-by-sourceid", "upsert contacts by source + sourceId", true},
		{"contacts-by-id", "upsert contacts by Propeller id", true},
		{"companies-by-sourceid", "upsert companies by source + sourceId + language", true},
		{"companies-by-id", "upsert companies by Propeller id", true},
	},
	credentials: "PROPEL_CLIENT_ID, PROPEL_CLIENT_SECRET (PROPEL_BASE_URL)",
	example:     "crmbatch -vendor propel -in customers.csv  (columns source,sourceId,language,firstName,email)",
	columns: func(o options) columnRules {
		cr := columnRules{strict: true, unchecked: "that parent companies and ids exist in Propeller, fields your Propeller release lacks"}
		kind, lookup, _ := strings.Cut(o.op, "-by-")
		switch kind {
		case "customers":
			cr.known = jsonNames[propel.Customer]()
		case "contacts":
			cr.known = jsonNames[propel.Contact]()
		default:
			cr.known = jsonNames[propel.Company]()
		}
		switch {
		case lookup == "id":
			cr.required = [][]string{{"id"}}
		case kind == "companies":
			cr.required = [][]string{{"source"}, {"sourceId"}, {"language"}}
		default:
			cr.required = [][]string{{"source"}, {"sourceId"}}
		}
		return cr
	},
	code: vendorCode(func(e *propel.Error) propel.Code { return e.Code }),
	run: func(ctx context.Context, j *job, rows iter.Seq[row]) (summary, error) {
		opts := []propel.Option{propel.WithEngine(j.engine(batch.RetryPolicy{}))}
		if j.useFake() {
			srv := propeltest.NewServer()
			defer srv.Close()
			srv.SetCountOnly(true)
			opts = append(opts, propel.WithBaseURL(srv.BaseURL()), propel.WithClientCredentials(propeltest.ClientID, propeltest.ClientSecret))
		} else {
			id, secret := j.getenv("PROPEL_CLIENT_ID"), j.getenv("PROPEL_CLIENT_SECRET")
			if id == "" || secret == "" {
				return summary{}, errors.New("set PROPEL_CLIENT_ID and PROPEL_CLIENT_SECRET (or use -fake)")
			}
			opts = append(opts, propel.WithClientCredentials(id, secret))
			if u := cmp.Or(j.opts.baseURL, j.getenv("PROPEL_BASE_URL")); u != "" {
				opts = append(opts, propel.WithBaseURL(u))
			}
		}
		c, err := propel.New(opts...)
		if err != nil {
			return summary{}, err
		}
		kind, lookup, _ := strings.Cut(j.opts.op, "-by-")
		byID := lookup == "id"
		switch kind {
		case "customers":
			return propelUpsert(ctx, j, rows, &c.Customers().Resource, byID), nil
		case "contacts":
			return propelUpsert(ctx, j, rows, c.Contacts(), byID), nil
		default:
			return propelUpsert(ctx, j, rows, &c.Companies().Resource, byID), nil
		}
	},
}

// propelUpsert upserts rows as Ts into res, by Propeller id or by
// source id.
func propelUpsert[T any](ctx context.Context, j *job, rows iter.Seq[row], res *propel.Resource[T], byID bool) summary {
	verb := res.UpsertBySourceID
	if byID {
		verb = res.UpsertByID
	}
	return j.inSegments(ctx, rows, func(rows iter.Seq[row]) summary {
		rep, _ := verb(ctx, convert(rows, j, strict[T]))
		return summarize(rep)
	})
}

// strict converts a row into T, refusing columns T has no field for: the
// vendor rejects unknown keys, so the row is rejected here instead.
func strict[T any](r row) (T, error) {
	var v T
	rest, err := setFields(&v, r.Fields)
	if err != nil {
		return v, err
	}
	for k := range rest {
		return v, errors.New("unknown field " + strconv.Quote(k) + " (map or drop the column)")
	}
	return v, nil
}
