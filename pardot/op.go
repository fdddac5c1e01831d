package pardot

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/codec"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
)

// op builds the engine operation for one call: its validation (with the
// call's own record of identifiers), its size measure, its send, and the
// isolation of requests refused as a whole.
func (c *Client) op(o operation) batch.Op[Prospect, Result] {
	v, f := c.cfg.version, c.cfg.format
	envelope := len(encodeForm(f.String(), encodeBatch(nil, v, f, o, nil)))
	limit := c.cfg.MaxRequestBytes - envelope
	// perRecord is the share of the limit a prospect may take while a
	// full batch of them surely fits: the engine never cuts a request by
	// bytes below it, so a prospect whose bound is below it is measured by
	// its bound, sparing an encoding (the send's is then the only one).
	// Requests are cut as with exact sizes unless one holds prospects on
	// both sides of it; then maybe a little before the limit, never after.
	perRecord := limit / max(c.cfg.BatchSize, 1)
	size := func(p Prospect) int {
		if b := sizeBound(v, o, &p); b <= perRecord {
			return b
		}
		return recordSize(v, f, o, &p)
	}
	var seen vendorkit.Seen
	// refusedAlone counts the call's single-prospect requests refused as a
	// whole (see Isolate).
	var refusedAlone atomic.Int64
	return batch.Op[Prospect, Result]{
		Name:     "pardot " + o.path(),
		MaxItems: c.cfg.BatchSize,
		MaxBytes: limit,
		Size:     size,
		Key:      func(p Prospect) string { return recordKey(v, o, &p) },
		Validate: func(p Prospect) error {
			if err := validate(v, o, &p); err != nil {
				return err
			}
			// The bound spares the exact measure of a prospect that surely
			// fits.
			if sizeBound(v, o, &p) > limit {
				if n := recordSize(v, f, o, &p); n > limit {
					return localError(o.path(), vendorkit.Invalid, fmt.Sprintf(
						"the prospect takes %d bytes in the request, over the %d-byte request limit (WithMaxRequestBytes)", n, limit))
				}
			}
			if key := recordKey(v, o, &p); seen.Repeated(key) {
				return localError(o.path(), vendorkit.Duplicate, fmt.Sprintf(
					"identifier %q appears earlier in this call; in one request Pardot would merge the two", key))
			}
			return nil
		},
		Send: func(ctx context.Context, chunk []Prospect) ([]batch.Result[Result], error) {
			res, err := c.send(ctx, o, chunk)
			if len(chunk) == 1 && refusedBeforeWrite(err) {
				refusedAlone.Add(1)
			}
			return res, err
		},
		// A request refused as a whole before any write (70, 71, 72,
		// 10000) is split in halves down to single prospects, so only the
		// prospects at fault fail. Once a whole batch's worth of prospects
		// has been refused alone in this call, the refusal is evidently not
		// about single prospects (every request earns it): later requests
		// then fail whole instead of being split, so a wrong setting costs
		// one request per batch, not two per prospect. The engine has no
		// such run-level rule, so the guard lives here.
		Isolate: func(err error) bool {
			return refusedBeforeWrite(err) && refusedAlone.Load() < int64(c.cfg.BatchSize)
		},
	}
}

// send posts one chunk and maps Pardot's answer to one result per prospect.
func (c *Client) send(ctx context.Context, o operation, chunk []Prospect) ([]batch.Result[Result], error) {
	v, f := c.cfg.version, c.cfg.format
	bp := codec.GetScratch()
	doc := encodeBatch(*bp, v, f, o, chunk)
	body := encodeForm(f.String(), doc)
	codec.PutScratch(bp, doc)
	endpoint := c.cfg.BaseURL + "/api/prospect/version/" + strconv.Itoa(v) + "/do/" + o.path()
	r, status, err := c.post(ctx, o.path(), endpoint, body, o != opCreate)
	if err != nil {
		return nil, err
	}
	return matchResults(v, o, chunk, r.Items, status, c.secrets)
}

// recordSize is how many bytes p adds to a request's form body: its entry
// in the document, query-escaped, and a separator ("," escaped; none in
// XML, where counting one keeps a small margin).
func recordSize(version int, format Format, o operation, p *Prospect) int {
	bp := codec.GetScratch()
	var fields [32]field
	entry := appendEntry(*bp, version, format, o, p, fields[:0])
	n := escapedLen(entry) + len("%2C")
	codec.PutScratch(bp, entry)
	return n
}

// sizeBound is an upper bound of recordSize, computed without encoding: in
// the document no byte of a value takes more than 6 bytes (JSON's \u00XX,
// XML's &#34;), a name appears at most twice (XML's tags), the markup
// around a field is under 16 bytes and around the entry under 64 (its
// version 3 key counted as a value); the form escapes each byte into at
// most 3.
func sizeBound(version int, o operation, p *Prospect) int {
	var fields [32]field
	n := 64
	if version == 3 {
		n += 6 * len(v3Key(o, p))
	}
	for _, f := range p.appendTyped(fields[:0], identNone) {
		n += 2*len(f.name) + 16 + 6*len(f.value)
	}
	for name, value := range p.Fields {
		n += 2*len(name) + 16 + 6*len(value)
	}
	return 3 * n
}
