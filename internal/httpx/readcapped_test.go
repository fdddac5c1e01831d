package httpx

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadCapped(t *testing.T) {
	body := strings.Repeat("x", 1000)
	for _, tc := range []struct {
		name      string
		body      string
		size, max int64
		wantErr   error
	}{
		{"announced exactly", body, 1000, 4096, nil},
		{"unknown size", body, -1, 4096, nil},
		{"announced short", body, 10, 4096, nil},
		{"announced long", body, 2000, 4096, nil},
		{"empty", "", 0, 4096, nil},
		{"exactly max", body, 1000, 1000, nil},
		{"over max, unknown size", body, -1, 999, ErrBodyTooLarge},
		{"over max, announced", body, 1000, 999, ErrBodyTooLarge},
		{"announced over max", "", 5000, 4096, ErrBodyTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// One byte a read: every growth path is taken.
			got, err := readCapped(iotest.OneByteReader(strings.NewReader(tc.body)), tc.size, tc.max)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr == nil && string(got) != tc.body {
				t.Fatalf("read %d bytes, want %d", len(got), len(tc.body))
			}
		})
	}
}

func TestReadCappedKeepsReadErrors(t *testing.T) {
	boom := errors.New("boom")
	if _, err := readCapped(iotest.ErrReader(boom), -1, 100); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
}

// BenchmarkReadCapped reads a 20 KB body of known length, beside
// io.ReadAll.
func BenchmarkReadCapped(b *testing.B) {
	body := strings.Repeat("x", 20000)
	b.Run("readCapped", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := readCapped(strings.NewReader(body), int64(len(body)), 1<<20); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("io.ReadAll", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := readAllBaseline(strings.NewReader(body)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// readAllBaseline is the plain io.ReadAll read.
func readAllBaseline(r *strings.Reader) ([]byte, error) { return io.ReadAll(r) }
