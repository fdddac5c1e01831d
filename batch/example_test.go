package batch_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/crmbatch/crmbatch/batch"
)

// A vendor operation in a few lines: send up to 3 e-mail addresses per
// request; the "server" refuses addresses without an @.
func ExampleRunSlice() {
	op := batch.Op[string, string]{
		Name:     "demo upload",
		MaxItems: 3,
		Key:      func(email string) string { return email },
		Send: func(ctx context.Context, chunk []string) ([]batch.Result[string], error) {
			results := make([]batch.Result[string], len(chunk))
			for i, email := range chunk {
				if !strings.Contains(email, "@") {
					results[i].Err = errors.New("invalid email")
					continue
				}
				results[i].Value = "id-" + email
			}
			return results, nil
		},
	}
	emails := []string{"ada@example.com", "bob@example.com", "not-an-email", "cy@example.com"}
	rep := batch.RunSlice(context.Background(), op, batch.Config{Concurrency: 2}, emails)

	fmt.Printf("%d records: %d succeeded, %d failed, %d not attempted, %d requests\n",
		rep.Total, rep.Succeeded, rep.Failed, rep.NotAttempted, rep.Requests)
	for _, o := range rep.Outcomes {
		fmt.Println(o.Index, o.Key, o.Status, o.Result, o.Err)
	}
	fmt.Println(rep.Err())
	// Output:
	// 4 records: 3 succeeded, 1 failed, 0 not attempted, 2 requests
	// 0 ada@example.com succeeded id-ada@example.com <nil>
	// 1 bob@example.com succeeded id-bob@example.com <nil>
	// 2 not-an-email failed  invalid email
	// 3 cy@example.com succeeded id-cy@example.com <nil>
	// demo upload: 1 of 4 records failed, 0 not attempted; record 2 (not-an-email) failed: invalid email
}
