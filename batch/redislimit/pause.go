package redislimit

import (
	"context"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// pauseTimeout bounds PauseUntil's write to Redis (PauseUntil has no
// context).
const pauseTimeout = 2 * time.Second

// pause is an account's shared not-before time: the Redis key every
// process reads before a request, and a local copy so that this process
// honours a pause it was told about even when Redis could not store it.
type pause struct {
	rdb      redis.Scripter
	key      string // the not-before key
	account  string
	settings *settings

	mu        sync.Mutex
	notBefore time.Time // local clock
}

// until records the server's "no request before t" locally and in Redis.
// The wait (t minus now) is added to Redis's clock, not this host's, so
// that processes whose clocks disagree still pause together.
func (p *pause) until(t time.Time) {
	p.mu.Lock()
	if t.After(p.notBefore) {
		p.notBefore = t
	}
	p.mu.Unlock()
	wait := t.Sub(p.settings.now())
	if wait <= 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), pauseTimeout)
	defer cancel()
	err := pauseScript.Run(ctx, p.rdb, []string{p.key}, wait.Microseconds(), p.redisNow()).Err()
	if err != nil {
		p.settings.logger.Warn("redislimit: could not share the pause; only this process honours it",
			"key", p.account, "until", t, "err", err)
	}
}

// waitLocal sleeps until the local not-before time.
func (p *pause) waitLocal(ctx context.Context) error {
	p.mu.Lock()
	nb := p.notBefore
	p.mu.Unlock()
	if d := nb.Sub(p.settings.now()); d > 0 {
		return p.settings.sleep(ctx, d)
	}
	return nil
}

// wait blocks until neither the local nor the shared pause holds, Redis
// reached through g.
func (p *pause) wait(ctx context.Context, g *guard) error {
	for {
		if err := p.waitLocal(ctx); err != nil {
			return err
		}
		var d time.Duration
		err := g.do(ctx, func(ctx context.Context) (err error) {
			d, err = p.shared(ctx)
			return err
		})
		if err != nil {
			return err
		}
		if d <= 0 {
			return nil
		}
		if err := p.settings.sleep(ctx, d); err != nil {
			return err
		}
	}
}

// shared returns how long the shared pause still lasts (0: not paused).
func (p *pause) shared(ctx context.Context) (time.Duration, error) {
	us, err := pausedScript.Run(ctx, p.rdb, []string{p.key}, p.redisNow()).Int64()
	return time.Duration(us) * time.Microsecond, err
}

// redisNow is the time the scripts use: "" for Redis TIME, or the test's.
func (p *pause) redisNow() string { return scriptNow(p.settings) }

// scriptNow is the last argument of every timed script.
func scriptNow(s *settings) string {
	if s.redisNow == nil {
		return ""
	}
	return formatInt(s.redisNow())
}
