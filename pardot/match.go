package pardot

import (
	"strconv"
	"strings"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
)

// matchResults turns the per-prospect errors into one result per record of
// the chunk. An entry whose key names no prospect of the request fails the
// whole request (see unmatchedKey). Messages are scrubbed of secrets.
func matchResults(version int, o operation, chunk []Prospect, items []itemError, status int, secrets *httpx.Secrets) ([]batch.Result[Result], error) {
	results := make([]batch.Result[Result], len(chunk))
	for _, it := range items {
		i, ok := resolveKey(version, o, chunk, it.Key)
		it.Key, it.Message = secrets.Redact(it.Key), secrets.Redact(it.Message)
		if !ok {
			return nil, unmatchedKey(o.path(), status, it)
		}
		if prev, _ := results[i].Err.(*Error); prev != nil {
			prev.Message += "; " + it.Message
			continue
		}
		results[i].Err = codeError(o.path(), status, it.Code, it.Message, it.Key, "")
	}
	return results, nil
}

// resolveKey finds the record an errors-map key names: by position first
// in version 4, by identifier first in version 3, then the other way.
func resolveKey(version int, o operation, chunk []Prospect, key string) (int, bool) {
	byIndex := func() (int, bool) {
		n, err := strconv.Atoi(key)
		if err != nil || n < 0 || n >= len(chunk) || strconv.Itoa(n) != key {
			return 0, false
		}
		return n, true
	}
	byIdent := func() (int, bool) {
		for i := range chunk {
			p := &chunk[i]
			if version == 3 && v3Key(o, p) == key {
				return i, true
			}
		}
		for i := range chunk {
			p := &chunk[i]
			if (p.ID != 0 && strconv.FormatInt(p.ID, 10) == key) ||
				(p.FID != "" && p.FID == key) ||
				(p.Email != "" && strings.EqualFold(p.Email, key)) {
				return i, true
			}
		}
		return 0, false
	}
	if version == 3 {
		if i, ok := byIdent(); ok {
			return i, true
		}
		return byIndex()
	}
	if i, ok := byIndex(); ok {
		return i, true
	}
	return byIdent()
}
