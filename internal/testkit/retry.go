package testkit

import (
	"time"

	"github.com/crmbatch/crmbatch/batch"
)

// FastRetry is a retry policy that sends a record at most attempts times
// and waits a millisecond or two between sends: the policy of the
// request-path tests, which count what reaches the server
// (FastRetry(3) is the "MaxAttempts 3").
func FastRetry(attempts int) batch.RetryPolicy {
	return batch.RetryPolicy{MaxAttempts: attempts, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}
}

// ThreeSends is the engine setting of the measure: a record is
// sent at most three times (FastRetry(3)), everything else the default.
func ThreeSends() batch.Config {
	return batch.Config{Retry: FastRetry(3)}
}
