package hubspot

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/crmbatch/crmbatch/batch"
)

// idInput is a read or archive input.
type idInput struct {
	ID string `json:"id"`
}

// readRequest is the body of batch/read.
type readRequest struct {
	Inputs                []idInput `json:"inputs"`
	Properties            []string  `json:"properties"`
	PropertiesWithHistory []string  `json:"propertiesWithHistory"`
	IDProperty            string    `json:"idProperty,omitempty"`
}

// readOp is batch/read: ids in, objects out, matched by id (or by the
// idProperty value, which is therefore always requested). A read that asks
// for property histories sends at most MaxHistoryBatchSize ids.
func (o *Objects) readOp(opts ReadOptions) batch.Op[string, Object] {
	props := append([]string{}, opts.Properties...)
	if opts.IDProperty != "" && !slices.Contains(props, opts.IDProperty) {
		props = append(props, opts.IDProperty)
	}
	hist := append([]string{}, opts.PropertiesWithHistory...)
	query := ""
	if opts.Archived {
		query = "?archived=true"
	}
	size := o.c.cfg.batchSize
	if len(hist) > 0 {
		size = min(size, MaxHistoryBatchSize)
	}
	return batch.Op[string, Object]{
		Name:       o.opName(opRead),
		MaxItems:   size,
		Key:        func(id string) string { return id },
		Validate:   validateWith(o, validateID),
		UniqueKeys: true,
		Send: func(ctx context.Context, chunk []string) ([]batch.Result[Object], error) {
			res := make([]batch.Result[Object], len(chunk))
			x := newChunkIndex(len(chunk), false)
			req := readRequest{Inputs: make([]idInput, len(chunk)), Properties: props, PropertiesWithHistory: hist, IDProperty: opts.IDProperty}
			for i, id := range chunk {
				req.Inputs[i].ID = id
				x.addID(id, opts.IDProperty, i)
			}
			body, err := json.Marshal(req)
			if err != nil {
				return nil, err
			}
			return exchange(ctx, o, opRead, query, body, x, res)
		},
	}
}

// archiveOp is batch/archive: ids in; a 204 archives them all.
func (o *Objects) archiveOp() batch.Op[string, struct{}] {
	return batch.Op[string, struct{}]{
		Name:       o.opName(opArchive),
		MaxItems:   o.c.cfg.batchSize,
		Key:        func(id string) string { return id },
		Validate:   validateWith(o, validateID),
		UniqueKeys: true,
		Isolate:    isolate,
		Send: func(ctx context.Context, chunk []string) ([]batch.Result[struct{}], error) {
			res := make([]batch.Result[Object], len(chunk))
			x := newChunkIndex(len(chunk), false)
			req := struct {
				Inputs []idInput `json:"inputs"`
			}{make([]idInput, len(chunk))}
			for i, id := range chunk {
				req.Inputs[i].ID = id
				x.addID(id, "", i)
			}
			body, err := json.Marshal(req)
			if err != nil {
				return nil, err
			}
			if _, err := exchange(ctx, o, opArchive, "", body, x, res); err != nil {
				return nil, err
			}
			out := make([]batch.Result[struct{}], len(chunk))
			for i := range res {
				out[i].Err = res[i].Err
			}
			return out, nil
		},
	}
}
