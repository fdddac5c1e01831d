package vendorkit

import "sync"

// Seen remembers the keys read in one bulk call, so that a key repeated
// within the call is refused locally instead of being sent twice (a vendor
// whose request is a keyed map would merge the two silently; others reject
// the whole request or apply both in an order nobody chose). Make one per
// call. It costs one map entry per distinct key.
type Seen struct {
	mu   sync.Mutex
	keys map[string]struct{}
}

// Repeated records key and reports whether it was already seen in this
// call. The empty key is never a repeat (records without a key are not
// matched by key).
func (s *Seen) Repeated(key string) bool {
	if key == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys == nil {
		s.keys = make(map[string]struct{}, seenFirstSize)
	}
	n := len(s.keys)
	s.keys[key] = struct{}{}
	return len(s.keys) == n
}

// seenFirstSize is the room a call's first key makes: a bulk call holds
// at least a few batches, so the map starts past its first regrowths.
const seenFirstSize = 256
