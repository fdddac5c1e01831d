package testkit

import (
	"encoding/json"
	"testing"
)

// JSONFields marshals v and returns its top-level JSON object field by
// field, failing the test when v does not marshal to an object.
func JSONFields(t testing.TB, v any) map[string]json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
