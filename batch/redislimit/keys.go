package redislimit

import (
	"errors"
	"strconv"
	"strings"
)

// keyPrefix starts every key this package writes.
const keyPrefix = "crmbatch:"

// keys names the Redis keys of one account. The account key sits in a hash
// tag ({…}) so that every key of an account lands in the same Redis Cluster
// slot, as a script touching several keys requires.
type keys struct {
	account string
}

// newKeys checks the caller's account key.
func newKeys(account string) (keys, error) {
	switch {
	case strings.TrimSpace(account) == "":
		return keys{}, errors.New("redislimit: empty account key")
	case strings.ContainsAny(account, "{}"):
		return keys{}, errors.New("redislimit: the account key must not contain { or } (it is used as a Redis Cluster hash tag)")
	case len(account) > 512:
		return keys{}, errors.New("redislimit: the account key is longer than 512 bytes")
	}
	return keys{account: account}, nil
}

func (k keys) base() string { return keyPrefix + "{" + k.account + "}:" }

// places holds the rate's places in the window (a sorted set).
func (k keys) places() string { return k.base() + "rate" }

// pace holds the theoretical arrival time of the rate's even pace.
func (k keys) pace() string { return k.base() + "pace" }

// pause holds the shared not-before time (µs of Redis TIME).
func (k keys) pause() string { return k.base() + "notbefore" }

// slots names the n lease keys of a semaphore.
func (k keys) slots(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = k.base() + "slot:" + strconv.Itoa(i)
	}
	return out
}
