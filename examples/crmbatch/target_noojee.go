package main

import (
	"context"
	"errors"
	"iter"
	"strconv"
	"time"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/noojee"
	"github.com/crmbatch/crmbatch/noojee/noojeetest"
)

// noojeeTarget imports campaign leads; columns are the campaign template's
// field names plus the system fields (njExternalLeadId, njPriority,
// njCallBackDate …) as Noojee writes them. Credentials and campaign: as
// examples/noojee (NOOJEE_HOST, NOOJEE_API_KEY, NOOJEE_TEMPLATE_ID,
// NOOJEE_CAMPAIGN_ID, NOOJEE_ALLOCATION_ID). "insert" uses the bulk
// insertLeadsFast; "insert-each" and "update" send one lead per call.
var noojeeTarget = target{
	ops: []operation{
		{"insert", "insert leads in bulk (insertLeadsFast)", false},
		{"insert-each", "insert one lead per call", false},
		{"update", "update each lead by njExternalLeadId", true},
	},
	credentials: "NOOJEE_HOST, NOOJEE_API_KEY, NOOJEE_TEMPLATE_ID, NOOJEE_CAMPAIGN_ID, NOOJEE_ALLOCATION_ID",
	example:     "crmbatch -vendor noojee -op insert -in leads.csv  (columns Name,FirstPhone,njExternalLeadId)",
	columns: func(o options) columnRules {
		cr := columnRules{
			// Template fields are the campaign's own: only the system fields' spelling is known.
			known:     []string{noojee.FieldExternalID, noojee.FieldPriority, noojee.FieldCallBackDate, noojee.FieldContactHours, noojee.FieldDisposition},
			unchecked: "the campaign template's fields and which of them are phone fields, the Do-Not-Call list, duplicates already in the campaign",
		}
		if o.op == "update" {
			cr.required = [][]string{{noojee.FieldExternalID}}
		}
		return cr
	},
	run: func(ctx context.Context, j *job, rows iter.Seq[row]) (summary, error) {
		opts := []noojee.Option{
			noojee.WithKeep(batch.KeepNone), noojee.WithProgress(j.progress), noojee.WithOutcomeHook(j.tracker.outcome),
		}
		if j.opts.concurrency > 0 {
			opts = append(opts, noojee.WithConcurrency(j.opts.concurrency))
		}
		tgt := noojee.Target{
			TemplateID:   j.getenv("NOOJEE_TEMPLATE_ID"),
			CampaignID:   j.getenv("NOOJEE_CAMPAIGN_ID"),
			AllocationID: j.getenv("NOOJEE_ALLOCATION_ID"),
		}
		if j.useFake() {
			srv := noojeetest.NewServer()
			defer srv.Close()
			srv.SetCountOnly(true)
			tgt = noojee.Target{TemplateID: "1", CampaignID: "1", AllocationID: "1"}
			opts = append(opts, noojee.WithBaseURL(srv.URL), noojee.WithAPIKey(noojeetest.APIKey),
				noojee.WithRetryPolicy(batch.RetryPolicy{MaxAttempts: 50, BaseDelay: time.Millisecond, MaxDelay: 50 * time.Millisecond}))
		} else {
			if j.getenv("NOOJEE_HOST") == "" || j.getenv("NOOJEE_API_KEY") == "" {
				return summary{}, errors.New("set NOOJEE_HOST, NOOJEE_API_KEY and the campaign's NOOJEE_TEMPLATE_ID, NOOJEE_CAMPAIGN_ID, NOOJEE_ALLOCATION_ID (or use -fake)")
			}
			opts = append(opts, noojee.WithHost(j.getenv("NOOJEE_HOST")), noojee.WithAPIKey(j.getenv("NOOJEE_API_KEY")))
			if j.opts.baseURL != "" {
				opts = append(opts, noojee.WithBaseURL(j.opts.baseURL))
			}
		}
		c, err := noojee.New(opts...)
		if err != nil {
			return summary{}, err
		}
		j.tracker.codeOf = func(err error) string {
			var ne *noojee.Error
			if errors.As(err, &ne) && ne.Code != noojee.CodeUnknown {
				return strconv.Itoa(int(ne.Code)) + " " + ne.Code.Name()
			}
			return ""
		}
		camp := c.Campaign(tgt)
		leads := convert(rows, j, func(r row) (noojee.Lead, error) {
			l := noojee.Lead{Fields: make(map[string]string, len(r.Fields))}
			for k, v := range r.Fields {
				if k == "njExternalLeadId" {
					l.ExternalID = v
					continue
				}
				l.Fields[k] = v
			}
			return l, nil
		})
		var rep *batch.Report[noojee.Result]
		switch j.opts.op {
		case "insert-each":
			rep, _ = camp.InsertEachSeq(ctx, leads)
		case "update":
			rep, _ = camp.UpdateEachSeq(ctx, leads)
		default:
			rep, _ = camp.InsertLeadsSeq(ctx, leads)
		}
		return summarize(rep), nil
	},
}
