// Command sharedlimit runs several processes that upsert contacts into one
// HubSpot account at once, and keeps them under the account's burst limit
// together with a rate limiter shared through Redis (batch/redislimit).
//
// The program starts -procs copies of itself (-worker); each builds its own
// hubspot.Client with a redislimit.RateLimiter on the same Redis and the
// same account key, so that the copies share one rolling window — as
// separate services or jobs on separate hosts would.
//
// Environment:
//
//	CRMBATCH_REDIS_ADDR  host:port of the Redis to share (default
//	                     127.0.0.1:6379; start one with
//	                     redis-server --port 6379 --save '').
//	HUBSPOT_TOKEN        a private-app token with crm.objects.contacts.write.
//	                     When it is unset, the program starts the in-memory
//	                     fake (hubspottest) with a limit of 50 requests per
//	                     rolling second, and the workers push 2,000 contacts
//	                     each into it; with a token each worker upserts 3
//	                     example contacts into the real account.
//
//	go run ./examples/sharedlimit
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/batch/redislimit"
	"github.com/crmbatch/crmbatch/hubspot"
	"github.com/crmbatch/crmbatch/hubspot/hubspottest"
)

// Environment read by the workers (set by the parent).
const (
	envBaseURL = "SHAREDLIMIT_BASE_URL"
	envLimit   = "SHAREDLIMIT_LIMIT"  // requests per window
	envWindow  = "SHAREDLIMIT_WINDOW" // the window, as a Go duration
)

func main() {
	log.SetFlags(0)
	procs := flag.Int("procs", 3, "worker processes to start")
	records := flag.Int("records", 2000, "contacts per worker (against the fake)")
	key := flag.String("key", "hubspot:sharedlimit-example", "the account's key in Redis: the same for every process of one account")
	worker := flag.Int("worker", -1, "internal: run as worker number n")
	flag.Parse()
	addr := os.Getenv("CRMBATCH_REDIS_ADDR")
	if addr == "" {
		addr = "127.0.0.1:6379"
	}
	if *worker >= 0 {
		if err := runWorker(*worker, addr, *key, *records); err != nil {
			log.Fatalf("worker %d: %v", *worker, err)
		}
		return
	}
	if err := runParent(*procs, *records, addr, *key); err != nil {
		log.Fatal(err)
	}
}

// runParent starts the fake (without a token) and the workers, and
// reports what they did.
func runParent(procs, records int, addr, key string) error {
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		return fmt.Errorf("no Redis at %s (set CRMBATCH_REDIS_ADDR, or start one: redis-server --port 6379 --save ''): %w", addr, err)
	}
	env := []string{}
	var fake *hubspottest.Server
	if os.Getenv("HUBSPOT_TOKEN") == "" {
		fake = hubspottest.NewServer()
		defer fake.Close()
		fake.SetRateLimit(50, time.Second)
		fmt.Printf("HUBSPOT_TOKEN is not set: %d workers push %d contacts each into the fake HubSpot at %s (50 requests per rolling second)\n",
			procs, records, fake.BaseURL())
		env = append(env, envBaseURL+"="+fake.BaseURL(), "HUBSPOT_TOKEN="+hubspottest.DefaultToken,
			envLimit+"=50", envWindow+"=1s")
	} else {
		// A Professional private app: 190 per 10 s. Keep 10 for other
		// integrations.
		env = append(env, envLimit+"=180", envWindow+"=10s")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, procs)
	for i := range procs {
		cmd := exec.Command(self, "-worker", strconv.Itoa(i), "-records", strconv.Itoa(records), "-key", key)
		cmd.Env = append(os.Environ(), env...)
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			return err
		}
		if err := cmd.Start(); err != nil {
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				fmt.Println(sc.Text())
			}
			errs[i] = cmd.Wait()
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("worker %d: %w", i, err)
		}
	}
	if fake != nil {
		st := fake.Stats()
		fmt.Printf("all workers done in %v: the fake saw %d requests, answered %d with 429, and holds %d contacts\n",
			time.Since(start).Round(time.Millisecond), st.Requests, st.RateLimited, fake.Count("contacts"))
		// Each request holds its place in the window until a window
		// after it ended, so no delay between a grant and the fake's count
		// can make a 429; were there one, the engine would wait what the
		// fake asks (pausing every worker through the shared limiter) and
		// send again, losing no record.
	}
	return nil
}

// runWorker upserts its contacts with a limiter shared through Redis.
func runWorker(n int, addr, key string, records int) error {
	limit, err := strconv.Atoi(os.Getenv(envLimit))
	if err != nil {
		return fmt.Errorf("%s: %w", envLimit, err)
	}
	window, err := time.ParseDuration(os.Getenv(envWindow))
	if err != nil {
		return fmt.Errorf("%s: %w", envWindow, err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	// One limiter per process, all on the same key: together they keep to
	// limit requests per rolling window. The engine acquires a place before
	// each request and releases it when the request ends; with
	// WithWindowFromEnd the place is held until a window after that end,
	// so the window needs no allowance for the delay between the grant
	// and the vendor's count. A 429 pauses every process on the key.
	// Redis down: Wait fails closed after 30 s and the records end not
	// attempted (redislimit.ErrUnavailable).
	rl, err := redislimit.NewRateLimiter(rdb, key, limit, window, redislimit.WithWindowFromEnd())
	if err != nil {
		return err
	}
	opts := []hubspot.Option{hubspot.WithToken(os.Getenv("HUBSPOT_TOKEN")),
		hubspot.WithEngine(batch.Config{Limiter: rl}), hubspot.WithEngine(batch.Config{Concurrency: 4})}
	if u := os.Getenv(envBaseURL); u != "" {
		opts = append(opts, hubspot.WithBaseURL(u))
	} else {
		records = 3 // a real account: a few example contacts
	}
	c, err := hubspot.New(opts...)
	if err != nil {
		return err
	}
	in := make([]hubspot.UpsertInput, records)
	for i := range in {
		email := fmt.Sprintf("sharedlimit-%d-%d@example.com", n, i)
		in[i] = hubspot.UpsertInput{ID: email, IDProperty: "email",
			Properties: hubspot.Properties{"email": email, "firstname": "Worker " + strconv.Itoa(n)}}
	}
	rep, err := c.Objects("contacts").Upsert(context.Background(), slices.Values(in))
	fmt.Printf("worker %d: %d succeeded, %d failed, %d not attempted, %d requests in %v\n",
		n, rep.Succeeded, rep.Failed, rep.NotAttempted, rep.Requests, rep.Elapsed.Round(time.Millisecond))
	if err != nil {
		return fmt.Errorf("%s", strings.SplitN(err.Error(), "\n", 2)[0])
	}
	return nil
}
