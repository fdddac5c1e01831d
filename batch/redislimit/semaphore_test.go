package redislimit

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestSemaphoreBoundsSlots: n holders at once, the next waits until one
// releases; release is idempotent.
func TestSemaphoreBoundsSlots(t *testing.T) {
	rdb := newClient(t)
	key := testKey(t, rdb)
	a, err := NewSemaphore(rdb, key, 2, WithPollInterval(5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewSemaphore(rdb, key, 2, WithPollInterval(5*time.Millisecond)) // another process
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r1, err := a.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := b.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 150*time.Millisecond)
	_, err = a.Acquire(short)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("third Acquire with both slots taken: %v, want the context's deadline", err)
	}
	got := make(chan error, 1)
	go func() {
		r3, err := b.Acquire(ctx)
		if err == nil {
			r3()
		}
		got <- err
	}()
	r1()
	r1() // idempotent: must not free the slot the waiter takes
	if err := <-got; err != nil {
		t.Fatalf("Acquire after a release: %v", err)
	}
	r2()
	for _, s := range []*Semaphore{a, b} {
		if slot, _, err := s.tryAcquire(ctx, "probe"); err != nil || slot == 0 {
			t.Fatalf("after every release no slot is free: slot %d, %v", slot, err)
		}
	}
}

// TestLeaseOfADeadHolderExpires: a slot taken and never renewed nor
// released (its process was killed) is free again within the lease TTL.
func TestLeaseOfADeadHolderExpires(t *testing.T) {
	rdb := newClient(t)
	key := testKey(t, rdb)
	const ttl = 300 * time.Millisecond
	dead, err := NewSemaphore(rdb, key, 1, WithLeaseTTL(ttl))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if slot, _, err := dead.tryAcquire(ctx, newToken()); err != nil || slot != 1 {
		t.Fatalf("take the slot: %d, %v", slot, err)
	}
	taken := time.Now()
	live, err := NewSemaphore(rdb, key, 1, WithLeaseTTL(ttl))
	if err != nil {
		t.Fatal(err)
	}
	bounded, cancel := context.WithTimeout(ctx, ttl+5*time.Second) // generous
	defer cancel()
	release, err := live.Acquire(bounded)
	if err != nil {
		t.Fatalf("the dead holder's slot never came back: %v", err)
	}
	release()
	if waited := time.Since(taken); waited < ttl/2 {
		t.Errorf("slot free after %v, before its lease (%v) could have expired", waited, ttl)
	}
}

// TestLeaseRenewedWhileHeld: a held slot outlives many lease TTLs; once
// released it is free at once.
func TestLeaseRenewedWhileHeld(t *testing.T) {
	const ttl = 150 * time.Millisecond
	_, s, release := heldSlot(t, ttl)
	ctx := context.Background()
	for range 8 { // 8 × ttl/2 = 4 TTLs
		time.Sleep(ttl / 2)
		if slot, _, err := s.tryAcquire(ctx, "intruder"); err != nil || slot != 0 {
			t.Fatalf("held slot was free to another holder (slot %d, %v): the lease was not renewed", slot, err)
		}
	}
	release()
	if slot, _, err := s.tryAcquire(ctx, "next"); err != nil || slot != 1 {
		t.Fatalf("released slot not free: %d, %v", slot, err)
	}
}

// TestRenewTakesBackAVanishedLease: after Redis lost the lease (a restart
// without data), the holder's next renewal takes its slot back.
func TestRenewTakesBackAVanishedLease(t *testing.T) {
	const ttl = 150 * time.Millisecond
	rdb, s, release := heldSlot(t, ttl)
	ctx := context.Background()
	defer release()
	if err := rdb.Del(ctx, s.slots[0]).Err(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for rdb.Exists(ctx, s.slots[0]).Val() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the vanished lease was never taken back")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// heldSlot returns a semaphore of one slot with the given lease TTL, that
// slot taken by Acquire (its lease renewed), and the slot's release.
func heldSlot(t *testing.T, ttl time.Duration) (*redis.Client, *Semaphore, func()) {
	t.Helper()
	rdb := newClient(t)
	s, err := NewSemaphore(rdb, testKey(t, rdb), 1, WithLeaseTTL(ttl))
	if err != nil {
		t.Fatal(err)
	}
	release, err := s.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rdb, s, release
}
