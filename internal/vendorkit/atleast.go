package vendorkit

import (
	"iter"
	"slices"
)

// AtLeast reads up to n values of in and reports whether in holds that
// many, for a call that takes another path (an import API) when its input
// is large. all yields every value of in once, those read first; only n
// values are held at once. Call stop when done with all, whether or not
// it was ranged over: it ends the reading of in.
func AtLeast[T any](in iter.Seq[T], n int) (all iter.Seq[T], ok bool, stop func()) {
	next, stop := iter.Pull(in)
	head := make([]T, 0, min(n, 4096))
	for len(head) < n {
		v, more := next()
		if !more {
			stop()
			return slices.Values(head), false, stop
		}
		head = append(head, v)
	}
	return func(yield func(T) bool) {
		for i := range head {
			if !yield(head[i]) {
				return
			}
		}
		head = nil
		for {
			v, more := next()
			if !more || !yield(v) {
				return
			}
		}
	}, true, stop
}
