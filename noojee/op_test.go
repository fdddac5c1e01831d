package noojee

import (
	"errors"
	"testing"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// A lead whose call ("[lead]") is exactly the request limit passes the
// validator and fits the bulk operation's byte limit; one byte less of
// limit refuses it locally as a *Error, so the engine's generic too-large
// error is never reached.
func TestRequestLimitBoundary(t *testing.T) {
	t.Parallel()
	cp := testCampaign(t)
	lead := Lead{ExternalID: "a", Fields: map[string]string{"FirstPhone": "0390000001", "Notes": "xxxxxxxx"}}
	body := encodeLead(nil, &lead, &cp.target)
	for _, tc := range []struct {
		limit int
		ok    bool
	}{{len(body) + 2, true}, {len(body) + 1, false}} {
		cp.c.cfg.MaxRequestBytes = tc.limit
		j := &job{lead: lead}
		err := cp.validator(opInsertLeadsFast, kindInsert, &vendorkit.Seen{})(j)
		var e *Error
		switch {
		case tc.ok && err != nil:
			t.Errorf("limit %d: %v, want the lead accepted", tc.limit, err)
		case tc.ok && size(j) > cp.bulkOp().MaxBytes:
			t.Errorf("limit %d: size %d over the bulk op's %d", tc.limit, size(j), cp.bulkOp().MaxBytes)
		case !tc.ok && (!errors.As(err, &e) || !e.Local || !errors.Is(err, batch.ErrInvalid)):
			t.Errorf("limit %d: %v, want a local *Error matching batch.ErrInvalid", tc.limit, err)
		}
	}
}
