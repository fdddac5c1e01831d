package propel

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// encodeBulk writes {"<field>":[...]} or, with directives,
// {"<field>":[...],"directives":[...]}.
func encodeBulk[T any](field string, chunk []T, directives []Directive) ([]byte, error) {
	items, err := json.Marshal(chunk)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", field, err)
	}
	var b bytes.Buffer
	b.Grow(len(items) + len(field) + 64)
	b.WriteString(`{"`)
	b.WriteString(field)
	b.WriteString(`":`)
	b.Write(items)
	if len(directives) > 0 {
		ds, err := json.Marshal(directives)
		if err != nil {
			return nil, fmt.Errorf("encoding directives: %w", err)
		}
		b.WriteString(`,"directives":`)
		b.Write(ds)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
