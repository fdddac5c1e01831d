package redislimit

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisAddrEnv names the scratch Redis the tests use.
const redisAddrEnv = "CRMBATCH_REDIS_ADDR"

// howToRun is the skip message.
const howToRun = "needs a scratch Redis: start one (redis-server --port 6390 --save '' --daemonize yes) and run " +
	redisAddrEnv + "=127.0.0.1:6390 go test ./batch/redislimit, or run .ci/run, which does it"

// redisAddr returns the scratch Redis's address, skipping the test without
// one — or failing it in CI, where these tests must run.
func redisAddr(t testing.TB) string {
	t.Helper()
	addr := os.Getenv(redisAddrEnv)
	if addr == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set in CI: %s", redisAddrEnv, howToRun)
		}
		t.Skip(howToRun)
	}
	return addr
}

// newClient connects to the scratch Redis.
func newClient(t testing.TB) *redis.Client {
	t.Helper()
	return dial(t, redisAddr(t))
}

func init() {
	// go-redis logs every failed dial; the tests kill Redis on purpose.
	redis.SetLogger(quietLogger{})
}

// quietLogger drops go-redis's internal log lines.
type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

// dial returns a client of addr, closed at the end of the test.
func dial(t testing.TB, addr string) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr, DialTimeout: time.Second, ReadTimeout: time.Second, WriteTimeout: time.Second})
	t.Cleanup(func() { _ = rdb.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("redis at %s: %v", addr, err)
	}
	return rdb
}

var keySeq atomic.Int64

// testKey returns an account key no other test (or run) uses, and deletes
// its keys at the end.
func testKey(t testing.TB, rdb *redis.Client) string {
	t.Helper()
	key := fmt.Sprintf("test:%s:%d:%d", t.Name(), os.Getpid(), keySeq.Add(1))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if ks, err := rdb.Keys(ctx, keyPrefix+"{"+key+"}:*").Result(); err == nil && len(ks) > 0 {
			rdb.Del(ctx, ks...)
		}
	})
	return key
}

// ownRedis is a redis-server started by a test, so that the test can kill
// it without disturbing the shared one.
type ownRedis struct {
	t    testing.TB
	bin  string
	dir  string
	port int
	cmd  *exec.Cmd
}

// startOwnRedis starts redis-server (from PATH) on a free local port,
// without persistence, stopped at the end of the test.
func startOwnRedis(t testing.TB) *ownRedis {
	t.Helper()
	redisAddr(t) // same rule: skip without Redis, fail in CI
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("redis-server is not on PATH in CI: %v", err)
		}
		t.Skipf("redis-server is not on PATH: %v", err)
	}
	r := &ownRedis{t: t, bin: bin, dir: t.TempDir(), port: freePort(t)}
	r.start()
	t.Cleanup(r.kill)
	return r
}

// addr is the server's host:port.
func (r *ownRedis) addr() string { return "127.0.0.1:" + strconv.Itoa(r.port) }

// start runs the server on its port and waits until it answers.
func (r *ownRedis) start() {
	r.t.Helper()
	r.cmd = exec.Command(r.bin, "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", r.dir, "--logfile", filepath.Join(r.dir, "redis.log"))
	if err := r.cmd.Start(); err != nil {
		r.t.Fatalf("start redis-server: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", r.addr(), 100*time.Millisecond)
		if err == nil {
			_ = c.Close()
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("redis-server on %s did not start: %v", r.addr(), err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill ends the server with SIGKILL (no shutdown, no save).
func (r *ownRedis) kill() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Signal(syscall.SIGKILL)
	_ = r.cmd.Wait()
	r.cmd = nil
}

// freePort returns a local TCP port that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// fakeClock is a local clock and a Redis clock that only move when a test
// (or a sleep) moves them.
type fakeClock struct {
	t      atomic.Int64 // ns since start
	start  time.Time
	sleeps atomic.Int64
}

func newFakeClock() *fakeClock {
	return &fakeClock{start: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) now() time.Time { return c.start.Add(time.Duration(c.t.Load())) }

// redisNow is the same instant in µs since 1970, as the scripts want it.
func (c *fakeClock) redisNow() int64 { return c.now().UnixMicro() }

func (c *fakeClock) advance(d time.Duration) { c.t.Add(int64(d)) }

// sleep moves the clock instead of sleeping.
func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.sleeps.Add(1)
	if err := ctx.Err(); err != nil {
		return err
	}
	if d > 0 {
		c.advance(d)
	}
	return nil
}

// withClock makes a limiter use c for both clocks and for sleeping.
func withClock(c *fakeClock) Option {
	return func(s *settings) error {
		s.now, s.sleep, s.redisNow = c.now, c.sleep, c.redisNow
		return nil
	}
}
