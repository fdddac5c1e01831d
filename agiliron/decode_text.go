package agiliron

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// flexString is codec.String (a JSON string, number or boolean read as
// its text, null as "") read with one allocation at most: a plain string
// is copied out of the body rather than decoded through encoding/json
// again, which the answers' every field would otherwise pay several
// allocations for. In XML it is the element's text, as codec.String.
type flexString string

// UnmarshalJSON reads b, one JSON value encoding/json has checked.
func (s *flexString) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0:
		return fmt.Errorf("codec: empty value")
	case b[0] == '"':
		inner := b[1 : len(b)-1]
		if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
			*s = flexString(inner)
			return nil
		}
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
	case string(b) == "null":
		*s = ""
	case b[0] == '{' || b[0] == '[':
		return fmt.Errorf("codec: want a string or a number, got %.40q", b)
	default: // a number, true or false, as written
		*s = flexString(b)
	}
	return nil
}
