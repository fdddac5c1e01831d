package main

import (
	"cmp"
	"context"
	"errors"
	"iter"
	"slices"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/pardot"
	"github.com/crmbatch/crmbatch/pardot/pardottest"
)

// pardotTarget imports prospects; columns are Pardot field names (email,
// first_name, …, id, fid); other columns go in as custom fields.
// Credentials: as examples/pardot (PARDOT_ACCESS_TOKEN and
// PARDOT_BUSINESS_UNIT_ID, or PARDOT_EMAIL, PARDOT_PASSWORD and
// PARDOT_USER_KEY; PARDOT_BASE_URL and PARDOT_API_VERSION optional).
var pardotTarget = target{
	ops: []operation{
		{"upsert", "create or update by id or email (v3), id or fid (v4)", true},
		{"create", "create every prospect (email required)", false},
		{"update", "update by id or email (v3), id or fid (v4)", true},
	},
	credentials: "PARDOT_ACCESS_TOKEN + PARDOT_BUSINESS_UNIT_ID, or PARDOT_EMAIL + PARDOT_PASSWORD + PARDOT_USER_KEY",
	example:     "crmbatch -vendor pardot -op upsert -in prospects.csv  (columns email,first_name,last_name)",
	columns: func(o options) columnRules {
		cr := columnRules{known: jsonNames[pardot.Prospect](), unchecked: "that the account has the custom fields named, uniqueness against prospects already in Pardot"}
		cr.known = slices.DeleteFunc(cr.known, func(s string) bool { return s == "Fields" })
		if o.op == "create" {
			cr.required = [][]string{{"email"}}
		} else {
			cr.required = [][]string{{"id", "email", "fid"}}
		}
		return cr
	},
	code: vendorCode(func(e *pardot.Error) pardot.Code { return e.Code }),
	run: func(ctx context.Context, j *job, rows iter.Seq[row]) (summary, error) {
		opts := []pardot.Option{pardot.WithEngine(j.engine(batch.RetryPolicy{}))}
		if v := j.getenv("PARDOT_API_VERSION"); v != "" {
			opts = append(opts, pardot.WithAPIVersion(v))
		}
		switch {
		case j.useFake():
			srv := pardottest.NewServer()
			defer srv.Close()
			srv.SetCountOnly(true)
			opts = append(opts, pardot.WithBaseURL(srv.BaseURL()), pardot.WithLegacyLogin(pardottest.Email, pardottest.Password, pardottest.UserKey))
		case j.getenv("PARDOT_ACCESS_TOKEN") != "":
			opts = append(opts, pardot.WithToken(j.getenv("PARDOT_ACCESS_TOKEN"), j.getenv("PARDOT_BUSINESS_UNIT_ID")))
		case j.getenv("PARDOT_EMAIL") != "":
			opts = append(opts, pardot.WithLegacyLogin(j.getenv("PARDOT_EMAIL"), j.getenv("PARDOT_PASSWORD"), j.getenv("PARDOT_USER_KEY")))
		default:
			return summary{}, errors.New("set PARDOT_ACCESS_TOKEN and PARDOT_BUSINESS_UNIT_ID, or PARDOT_EMAIL, PARDOT_PASSWORD and PARDOT_USER_KEY (or use -fake)")
		}
		if u := cmp.Or(j.opts.baseURL, j.getenv("PARDOT_BASE_URL")); u != "" && !j.useFake() {
			opts = append(opts, pardot.WithBaseURL(u))
		}
		c, err := pardot.New(opts...)
		if err != nil {
			return summary{}, err
		}
		verb := c.Prospects().Upsert
		switch j.opts.op {
		case "create":
			verb = c.Prospects().Create
		case "update":
			verb = c.Prospects().Update
		}
		return j.inSegments(ctx, rows, func(rows iter.Seq[row]) summary {
			rep, _ := verb(ctx, convert(rows, j, func(r row) (pardot.Prospect, error) {
				var p pardot.Prospect
				rest, err := setFields(&p, r.Fields)
				p.Fields = rest
				return p, err
			}))
			return summarize(rep)
		}), nil
	},
}
