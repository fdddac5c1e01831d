package testkit

import (
	"fmt"
	"strings"

	"github.com/crmbatch/crmbatch/batch"
)

// ErrorText formats every non-nil error with %v, %+v and %#v, one line
// each, so that a scan for secrets sees every way an error prints.
func ErrorText(errs ...error) string {
	var b strings.Builder
	for _, err := range errs {
		if err != nil {
			fmt.Fprintf(&b, "%v\n%+v\n%#v\n", err, err, err)
		}
	}
	return b.String()
}

// OutcomeErrors is ErrorText of the error of every outcome rep kept.
func OutcomeErrors[R any](rep *batch.Report[R]) string {
	errs := make([]error, 0, len(rep.Outcomes))
	for _, o := range rep.Outcomes {
		errs = append(errs, o.Err)
	}
	return ErrorText(errs...)
}
