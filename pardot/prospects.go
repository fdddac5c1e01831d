package pardot

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync/atomic"

	"github.com/crmbatch/crmbatch/batch"
)

// BatchCreate creates prospects: POST /api/prospect/version/{3|4}/do/batchCreate.
// Every prospect needs a valid email, unique within ps (a repeat is
// reported Failed with ErrDuplicateIdentifier and not sent) and no id. A
// create whose answer is lost is reported Failed with an error matching
// httpx.ErrOutcomeUnknown, never sent twice. The error is rep.Err().
func (c *Client) BatchCreate(ctx context.Context, ps []Prospect) (*batch.Report[Result], error) {
	rep := batch.RunSlice(ctx, c.op(opCreate), c.cfg.engine.Config(), ps)
	return rep, rep.Err()
}

// BatchCreateSeq is BatchCreate over a stream of prospects.
func (c *Client) BatchCreateSeq(ctx context.Context, ps iter.Seq[Prospect]) (*batch.Report[Result], error) {
	rep := batch.Run(ctx, c.op(opCreate), c.cfg.engine.Config(), ps)
	return rep, rep.Err()
}

// BatchUpdate updates existing prospects: POST
// /api/prospect/version/{3|4}/do/batchUpdate. Version 3 finds a prospect by
// id or email, version 4 by id or fid. Records with the same identifier go
// in different requests (see the package doc).
func (c *Client) BatchUpdate(ctx context.Context, ps []Prospect) (*batch.Report[Result], error) {
	rep := batch.RunSlice(ctx, c.op(opUpdate), c.cfg.engine.Config(), ps)
	return rep, rep.Err()
}

// BatchUpdateSeq is BatchUpdate over a stream of prospects.
func (c *Client) BatchUpdateSeq(ctx context.Context, ps iter.Seq[Prospect]) (*batch.Report[Result], error) {
	rep := batch.Run(ctx, c.op(opUpdate), c.cfg.engine.Config(), ps)
	return rep, rep.Err()
}

// BatchUpsert updates prospects that exist and creates the others: POST
// /api/prospect/version/{3|4}/do/batchUpsert. Version 3 matches by id or
// email; version 4 by id or fid (a fid not found creates a prospect with
// the record's email).
func (c *Client) BatchUpsert(ctx context.Context, ps []Prospect) (*batch.Report[Result], error) {
	rep := batch.RunSlice(ctx, c.op(opUpsert), c.cfg.engine.Config(), ps)
	return rep, rep.Err()
}

// BatchUpsertSeq is BatchUpsert over a stream of prospects.
func (c *Client) BatchUpsertSeq(ctx context.Context, ps iter.Seq[Prospect]) (*batch.Report[Result], error) {
	rep := batch.Run(ctx, c.op(opUpsert), c.cfg.engine.Config(), ps)
	return rep, rep.Err()
}

// op builds the engine operation for one run.
func (c *Client) op(o operation) batch.Op[Prospect, Result] {
	v := c.cfg.version
	validateFn := func(p Prospect) error { return validate(v, o, &p) }
	if o == opCreate {
		seen := make(map[string]struct{})
		validateFn = func(p Prospect) error {
			if err := validate(v, o, &p); err != nil {
				return err
			}
			k := strings.ToLower(p.Email)
			if _, dup := seen[k]; dup {
				return fmt.Errorf("%w: email %q appears earlier in the input", ErrDuplicateIdentifier, p.Email)
			}
			seen[k] = struct{}{}
			return nil
		}
	}
	// refusedAlone counts the run's single-prospect requests refused as a
	// whole (see isolate).
	var refusedAlone atomic.Int64
	return batch.Op[Prospect, Result]{
		Name:       "pardot " + o.path(),
		MaxItems:   c.cfg.batchSize,
		Key:        func(p Prospect) string { return recordKey(v, o, &p) },
		Validate:   validateFn,
		UniqueKeys: true,
		Send: func(ctx context.Context, chunk []Prospect) ([]batch.Result[Result], error) {
			res, err := c.send(ctx, o, chunk)
			if len(chunk) == 1 && refusedBeforeWrite(err) {
				refusedAlone.Add(1)
			}
			return res, err
		},
		// A request refused as a whole before any write (70, 71, 72,
		// 10000) is split in halves down to single prospects, so only
		// the prospects at fault fail. Once a whole batch's worth of
		// prospects has been refused alone, the refusal is evidently not
		// about single prospects (every request would earn it): later
		// requests are then failed whole instead of split, so a wrong
		// setting costs one request per batch, not two per prospect.
		Isolate: func(err error) bool {
			return refusedBeforeWrite(err) && refusedAlone.Load() < int64(c.cfg.batchSize)
		},
	}
}

// refusedBeforeWrite reports a chunk error that Error.refusedBeforeWrite
// allows to isolate.
func refusedBeforeWrite(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.refusedBeforeWrite()
}
