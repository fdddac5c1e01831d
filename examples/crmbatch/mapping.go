package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// mapping renames input columns to the target's field names. Columns not
// named in it keep their own name; a column mapped to "-" is dropped.
type mapping map[string]string

// field returns the target field for an input column, or "" to drop it.
// Columns starting with "_crmbatch_" (written into rejects files) are
// always dropped, so a rejects file can be fed back as input.
func (m mapping) field(column string) string {
	if strings.HasPrefix(column, rejectPrefix) {
		return ""
	}
	if f, ok := m[column]; ok {
		if f == "-" {
			return ""
		}
		return f
	}
	return column
}

// readMapping reads a mapping file: one "column = field" per line; blank
// lines and lines starting with # are ignored; "column = -" drops a column.
func readMapping(r io.Reader) (mapping, error) {
	m := mapping{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		col, field, ok := strings.Cut(line, "=")
		col, field = strings.TrimSpace(col), strings.TrimSpace(field)
		if !ok || col == "" || field == "" {
			return nil, fmt.Errorf("mapping line %d: want \"column = field\", got %q", n, line)
		}
		m[col] = field
	}
	return m, sc.Err()
}
