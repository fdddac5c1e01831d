package main

import (
	"context"
	"iter"
	"maps"
	"slices"
)

// targets are the vendors the command imports into, by -vendor name.
var targets = map[string]target{
	"agiliron": agilironTarget,
	"hubspot":  hubspotTarget,
	"noojee":   noojeeTarget,
	"pardot":   pardotTarget,
	"propel":   propelTarget,
}

// targetNames lists the -vendor values, sorted.
func targetNames() []string { return slices.Sorted(maps.Keys(targets)) }

// target is one vendor the command can import into.
type target struct {
	// ops are the operations, the default first.
	ops []operation
	// credentials names the environment variables a real run reads.
	credentials string
	// example is a command line, for -help.
	example string
	// columns gives the rules the input's columns must follow for o.op.
	columns func(o options) columnRules
	// code gives the vendor's code of a record's error, as text (see
	// vendorCode).
	code func(error) string
	// run imports rows (or checks them, under -dry-run) and returns the
	// engine's counts. Its client must run with j.engine's configuration
	// (the tracker's and the progress view's hooks, KeepNone so memory
	// stays constant).
	run func(ctx context.Context, j *job, rows iter.Seq[row]) (summary, error)
}

// operation is one -op value.
type operation struct {
	name, help string
	// replayable: sending a record again cannot duplicate it (an upsert by
	// key, an update by id), so -resume sends records whose outcome is
	// unknown again; otherwise it reports them and leaves them alone.
	replayable bool
}

func (t target) opNames() []string {
	names := make([]string, len(t.ops))
	for i, op := range t.ops {
		names[i] = op.name
	}
	return names
}

func (t target) op(name string) operation {
	for _, op := range t.ops {
		if op.name == name {
			return op
		}
	}
	return operation{}
}
