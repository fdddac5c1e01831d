package testkit

import (
	"os"
	"path/filepath"
	"testing"
)

// Testdata returns the file testdata/<name> of the package under test (a
// sample body from a vendor's documents, a golden file), failing the test
// when it cannot be read.
func Testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
