package pardot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/httpx"
)

// matchResults turns the per-prospect errors into one result per record.
func matchResults(version int, o operation, chunk []Prospect, items []itemError, status int) ([]batch.Result[Result], error) {
	results := make([]batch.Result[Result], len(chunk))
	for _, it := range items {
		i, ok := resolveKey(version, o, chunk, it.Key)
		if !ok {
			return nil, unmatchedKey(o, status, it)
		}
		if prev, _ := results[i].Err.(*Error); prev != nil {
			prev.Message += "; " + it.Message
			continue
		}
		results[i].Err = &Error{Op: o.path(), HTTPStatus: status, Key: it.Key, Code: it.Code, Message: it.Message}
	}
	return results, nil
}

// unmatchedKey is the error of a whole request whose errors map names a
// key that matches none of its prospects. Pardot processed the request, so
// the others may have been written: the error is never retried (Code stays
// 0 even when the entry carried a retryable code such as 62) and matches
// httpx.ErrOutcomeUnknown as well as ErrUnmatchedKey.
func unmatchedKey(o operation, status int, it itemError) *Error {
	msg := "the errors map names a prospect not in the request; Pardot processed the request, so the outcome of its prospects is unknown (entry"
	if it.Code != 0 {
		msg += fmt.Sprintf(" code %d,", it.Code)
	}
	msg += fmt.Sprintf(" message %q)", it.Message)
	return &Error{Op: o.path(), HTTPStatus: status, Key: it.Key, Message: msg,
		cause: errors.Join(ErrUnmatchedKey, httpx.ErrOutcomeUnknown)}
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
