package redislimit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/hubspot"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
	"github.com/crmbatch/crmbatch/pardot"
	"github.com/crmbatch/crmbatch/pardot/pardottest"
)

// The multi-process tests run this test binary again as a child process:
// childEnv selects the child's job, the other variables configure it, and
// the child prints its childResult as JSON on stdout.
const (
	childEnv        = "CRMBATCH_REDISLIMIT_CHILD" // "hubspot" or "pardot"
	childURLEnv     = "CRMBATCH_REDISLIMIT_URL"
	childKeyEnv     = "CRMBATCH_REDISLIMIT_KEY"
	childIDEnv      = "CRMBATCH_REDISLIMIT_ID"
	childRecordsEnv = "CRMBATCH_REDISLIMIT_RECORDS"
	childWindowEnv  = "CRMBATCH_REDISLIMIT_WINDOW"
	childTTLEnv     = "CRMBATCH_REDISLIMIT_TTL"
)

// procHeader names the child that sent a request.
const procHeader = "X-Redislimit-Test-Proc"

// childResult is what a child reports.
type childResult struct {
	Total, Succeeded, Failed, NotAttempted, Requests int
	Err                                              string
}

func TestMain(m *testing.M) {
	if job := os.Getenv(childEnv); job != "" {
		os.Exit(runChild(job))
	}
	os.Exit(m.Run())
}

// runChild pushes its records through a real vendor client limited by
// this package, and prints the report's counts.
func runChild(job string) int {
	records, _ := strconv.Atoi(os.Getenv(childRecordsEnv))
	id := os.Getenv(childIDEnv)
	rdb := redis.NewClient(&redis.Options{Addr: os.Getenv(redisAddrEnv)})
	defer rdb.Close()
	ctx := context.Background()
	var res childResult
	var err error
	switch job {
	case "hubspot":
		res, err = hubspotChild(ctx, rdb, id, records)
	case "pardot":
		res, err = pardotChild(ctx, rdb, id, records)
	default:
		err = fmt.Errorf("unknown child job %q", job)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	_ = json.NewEncoder(os.Stdout).Encode(res)
	return 0
}

// hubspotChild creates records contacts through the HubSpot fake, 100 per
// request, paced by the shared rate limiter, each request holding its
// place until a window after it ended (WithWindowFromEnd: the engine
// acquires the place and releases it when the request returns).
func hubspotChild(ctx context.Context, rdb *redis.Client, id string, records int) (childResult, error) {
	window, err := time.ParseDuration(os.Getenv(childWindowEnv))
	if err != nil {
		return childResult{}, err
	}
	rl, err := NewRateLimiter(rdb, os.Getenv(childKeyEnv), 50, window, WithWindowFromEnd())
	if err != nil {
		return childResult{}, err
	}
	c, err := hubspot.New(hubspot.WithBaseURL(os.Getenv(childURLEnv)), hubspot.WithToken(hubspottest.DefaultToken),
		hubspot.WithEngine(batch.Config{Limiter: rl}), hubspot.WithEngine(batch.Config{Concurrency: 4}), hubspot.WithHTTPClient(taggedClient(id)))
	if err != nil {
		return childResult{}, err
	}
	in := make([]hubspot.CreateInput, records)
	for i := range in {
		in[i] = hubspot.CreateInput{Properties: hubspot.Properties{"email": fmt.Sprintf("p%s-%d@example.com", id, i)}}
	}
	if err := startLine(ctx, rdb); err != nil {
		return childResult{}, err
	}
	rep, runErr := c.Objects("contacts").Create(ctx, slices.Values(in))
	return resultOf(rep.Total, rep.Succeeded, rep.Failed, rep.NotAttempted, rep.Requests, runErr), nil
}

// pardotChild creates records prospects through the Pardot fake, 10 per
// request, 5 at once, bounded by the shared semaphore.
func pardotChild(ctx context.Context, rdb *redis.Client, id string, records int) (childResult, error) {
	ttl, err := time.ParseDuration(os.Getenv(childTTLEnv))
	if err != nil {
		return childResult{}, err
	}
	sem, err := NewSemaphore(rdb, os.Getenv(childKeyEnv), 5, WithLeaseTTL(ttl))
	if err != nil {
		return childResult{}, err
	}
	c, err := pardot.New(pardot.WithBaseURL(os.Getenv(childURLEnv)),
		pardot.WithToken(pardottest.AccessToken, pardottest.BusinessUnitID),
		pardot.WithEngine(batch.Config{Concurrency: 5}), pardot.WithBatchSize(10), pardot.WithEngine(batch.Config{Limiter: sem}),
		pardot.WithHTTPClient(taggedClient(id)))
	if err != nil {
		return childResult{}, err
	}
	in := make([]pardot.Prospect, records)
	for i := range in {
		in[i] = pardot.Prospect{Email: fmt.Sprintf("p%s-%d@example.com", id, i)}
	}
	rep, runErr := c.Prospects().Create(ctx, slices.Values(in))
	return resultOf(rep.Total, rep.Succeeded, rep.Failed, rep.NotAttempted, rep.Requests, runErr), nil
}

func resultOf(total, ok, failed, notAttempted, requests int, err error) childResult {
	r := childResult{Total: total, Succeeded: ok, Failed: failed, NotAttempted: notAttempted, Requests: requests}
	if err != nil {
		r.Err = err.Error()
	}
	return r
}

// startLine tells the parent this child is ready (a counter in Redis) and
// waits for its go (a line on stdin), so that the processes' start-up does
// not overlap the measured run.
func startLine(ctx context.Context, rdb *redis.Client) error {
	if err := rdb.Incr(ctx, readyKey(os.Getenv(childKeyEnv))).Err(); err != nil {
		return err
	}
	_, err := bufio.NewReader(os.Stdin).ReadString('\n')
	return err
}

// readyKey counts the children ready to start.
func readyKey(account string) string { return keys{account: account}.base() + "ready" }

// startTogether waits until n children are ready, then lets them go.
func startTogether(t *testing.T, rdb *redis.Client, account string, children []*child) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		n, _ := rdb.Get(context.Background(), readyKey(account)).Int()
		if n == len(children) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d children got ready", n, len(children))
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, c := range children {
		if _, err := io.WriteString(c.stdin, "go\n"); err != nil {
			t.Fatal(err)
		}
	}
}

// taggedClient is a child's HTTP client: it names the child on every
// request. The limiter goes to the client as it is: the engine waits on
// it and holds one of its slots (Acquire) for each request in flight.
func taggedClient(proc string) *http.Client {
	return &http.Client{Transport: tagTransport{proc: proc, base: http.DefaultTransport}, Timeout: time.Minute}
}

// tagTransport names the child on every request it sends.
type tagTransport struct {
	proc string
	base http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t tagTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(procHeader, t.proc)
	return t.base.RoundTrip(r)
}

// child is a started child process.
type child struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout bytes.Buffer
	stderr bytes.Buffer
}

// startChild runs this test binary as a child doing job.
func startChild(t *testing.T, job string, env ...string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(os.Args[0], "-test.run=^$")}
	c.cmd.Env = append(append(os.Environ(), childEnv+"="+job), env...)
	c.cmd.Stdout, c.cmd.Stderr = &c.stdout, &c.stderr
	var err error
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			_ = c.cmd.Process.Kill()
			_ = c.cmd.Wait()
		}
	})
	return c
}

// wait waits for the child and decodes its result.
func (c *child) wait(t *testing.T) childResult {
	t.Helper()
	if err := c.cmd.Wait(); err != nil {
		t.Fatalf("child: %v\nstderr: %s", err, c.stderr.String())
	}
	var r childResult
	if err := json.Unmarshal(c.stdout.Bytes(), &r); err != nil {
		t.Fatalf("child result %q: %v\nstderr: %s", c.stdout.String(), err, c.stderr.String())
	}
	return r
}
