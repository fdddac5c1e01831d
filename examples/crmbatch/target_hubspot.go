package main

import (
	"context"
	"errors"
	"iter"

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
	ops: []string{"upsert", "create", "update"},
	run: func(ctx context.Context, j *job, rows iter.Seq[row]) (summary, error) {
		opts := []hubspot.Option{
			hubspot.WithKeep(batch.KeepNone), hubspot.WithProgress(j.progress), hubspot.WithOutcomeHook(j.tracker.outcome),
		}
		if j.opts.concurrency > 0 {
			opts = append(opts, hubspot.WithConcurrency(j.opts.concurrency))
		}
		token := j.getenv("HUBSPOT_TOKEN")
		switch {
		case j.useFake():
			srv := hubspottest.NewServer()
			defer srv.Close()
			srv.SetRateLimit(0, 0) // the fake need not be paced
			token = hubspottest.DefaultToken
			opts = append(opts, hubspot.WithBaseURL(srv.URL))
		case token == "":
			return summary{}, errors.New("set HUBSPOT_TOKEN (or use -fake)")
		default:
			if u := j.getenv("HUBSPOT_BASE_URL"); u != "" {
				opts = append(opts, hubspot.WithBaseURL(u))
			}
			// Stay under the burst limit of OAuth apps and Starter accounts.
			opts = append(opts, hubspot.WithLimiter(hubspot.BurstLimiter(100)))
		}
		opts = append(opts, hubspot.WithToken(token))
		c, err := hubspot.New(opts...)
		if err != nil {
			return summary{}, err
		}
		j.tracker.codeOf = func(err error) string {
			var he *hubspot.Error
			if errors.As(err, &he) {
				return he.Category
			}
			return ""
		}
		objects := c.Objects(j.opts.object)
		idProp := j.opts.idProperty
		var rep *batch.Report[hubspot.Object]
		switch j.opts.op {
		case "create":
			rep, _ = objects.BatchCreateSeq(ctx, convert(rows, j, func(r row) (hubspot.CreateInput, error) {
				return hubspot.CreateInput{Properties: hubspot.Properties(r.Fields)}, nil
			}))
		case "update":
			rep, _ = objects.BatchUpdateSeq(ctx, convert(rows, j, func(r row) (hubspot.UpdateInput, error) {
				props := hubspot.Properties{}
				for k, v := range r.Fields {
					if k != "id" {
						props[k] = v
					}
				}
				return hubspot.UpdateInput{ID: r.Fields["id"], Properties: props}, nil
			}))
		default:
			rep, _ = objects.BatchUpsertSeq(ctx, convert(rows, j, func(r row) (hubspot.UpsertInput, error) {
				id, ok := r.Fields[idProp]
				if !ok {
					return hubspot.UpsertInput{}, errors.New("no value in the -id-property column " + idProp)
				}
				return hubspot.UpsertInput{ID: id, IDProperty: idProp, Properties: hubspot.Properties(r.Fields)}, nil
			}))
		}
		return summarize(rep), nil
	},
}
