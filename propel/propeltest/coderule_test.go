package propeltest_test

import (
	"testing"

	"github.com/crmbatch/crmbatch/internal/fakekit"
	"github.com/crmbatch/crmbatch/propel/propeltest"
)

// TestCodeRule: Propel's codes are numbers, so FailNext refuses a word
// Code (fakekit.FaultRules) instead of answering it as something else.
func TestCodeRule(t *testing.T) {
	t.Parallel()
	srv := propeltest.NewServer()
	defer srv.Close()
	fakekit.CheckCodeRule(t, srv.Base, true)
}
