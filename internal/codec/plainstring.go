package codec

// CutPlainString reads the JSON string at the start of b when it is the
// common kind — ASCII without escapes or control bytes, which
// encoding/json would decode to the same text — and returns its text and
// what follows it. Any other string (or no string) gives ok false: decode
// it with encoding/json.
func CutPlainString(b []byte) (s string, rest []byte, ok bool) {
	if len(b) == 0 || b[0] != '"' {
		return "", nil, false
	}
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return string(b[1:i]), b[i+1:], true
		case c < 0x20 || c >= 0x80 || c == '\\':
			return "", nil, false
		}
	}
	return "", nil, false
}

// PlainString is CutPlainString for a whole JSON value: ok only when raw
// is exactly one such string.
func PlainString(raw []byte) (string, bool) {
	s, rest, ok := CutPlainString(raw)
	if !ok || len(rest) != 0 {
		return "", false
	}
	return s, true
}
