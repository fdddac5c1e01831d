package propel

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/crmbatch/crmbatch/internal/httpx"
)

// scrubber keeps secrets and SSNs out of what the server said before it
// goes into an error, a result or a log line. A schema message may echo a
// rejected value ("#/customers/0/ssn: string [123] does not match
// pattern"), so every server string is scrubbed of:
//   - every secret of the client's one registry (httpx.Secrets: the client
//     secret and the access tokens, in every spelling);
//   - every SSN of the records sent, whatever its length: httpx ignores
//     literals shorter than four characters, so an SSN of one to three
//     characters is replaced here where it stands alone (not inside a
//     longer word or number);
//   - any bracketed or quoted value in a message about an "ssn" field,
//     in case the server echoes it altered.
//
// The JSON path that starts a schema message ("#/customers/3") is kept as
// is: it names the record at fault (see splitNamed) and holds no value.
type scrubber struct {
	secrets *httpx.Secrets
	ssns    []string
}

// shortSecret is the length below which httpx.RedactString ignores a
// literal; shorter SSNs are replaced here, word by word.
const shortSecret = 4

// itemPathPrefix is the JSON path that starts a schema message.
var itemPathPrefix = regexp.MustCompile(`^\s*#(?:/[^\s/:]*)*`)

// echoedValue is a bracketed or quoted value inside a message.
var echoedValue = regexp.MustCompile(`\[[^\]]*\]|"[^"]*"|'[^']*'`)

// text scrubs one server string.
func (s *scrubber) text(m string) string {
	if m == "" {
		return m
	}
	path := itemPathPrefix.FindString(m)
	rest := s.secrets.Redact(m[len(path):])
	for _, v := range s.ssns {
		rest = replaceSSN(rest, v)
		if len(v) >= shortSecret {
			path = strings.ReplaceAll(path, v, httpx.Redacted) // a short one may be an index
		}
	}
	if strings.HasSuffix(path, "/ssn") {
		rest = echoedValue.ReplaceAllStringFunc(rest, func(v string) string {
			return v[:1] + httpx.Redacted + v[len(v)-1:]
		})
	}
	return path + rest
}

// texts scrubs a list of server strings in place.
func (s *scrubber) texts(ms []string) {
	for i, m := range ms {
		ms[i] = s.text(m)
	}
}

// raw scrubs a JSON value the server sent (a failed entry kept for the
// caller): every string is scrubbed, and every number equal to an SSN and
// every "ssn" member replaced. It is returned byte for byte as sent when
// that changes nothing, else encoded again.
func (s *scrubber) raw(b json.RawMessage) json.RawMessage {
	if b == nil {
		return nil
	}
	v, err := decodeAny(b)
	if err != nil {
		return nil
	}
	before, _ := json.Marshal(v)
	after, err := json.Marshal(s.value(v))
	if err != nil {
		return nil
	}
	if bytes.Equal(before, after) {
		return b
	}
	return after
}

// decodeAny decodes a JSON value keeping numbers as written.
func decodeAny(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

// value scrubs a decoded JSON value.
func (s *scrubber) value(v any) any {
	switch x := v.(type) {
	case string:
		return s.text(x)
	case json.Number:
		for _, ssn := range s.ssns {
			if string(x) == ssn {
				return httpx.Redacted
			}
		}
	case []any:
		for i := range x {
			x[i] = s.value(x[i])
		}
	case map[string]any:
		for k, e := range x {
			if strings.EqualFold(k, "ssn") {
				x[k] = httpx.Redacted
				continue
			}
			x[k] = s.value(e)
		}
	}
	return v
}

// replaceSSN replaces ssn in text: everywhere when it is long enough to be
// unmistakable, else only where it stands alone (the characters on either
// side are not letters or digits), so that a two-digit SSN does not eat
// the digits of other numbers.
func replaceSSN(text, ssn string) string {
	if len(ssn) >= shortSecret {
		return strings.ReplaceAll(text, ssn, httpx.Redacted)
	}
	var b strings.Builder
	for {
		i := strings.Index(text, ssn)
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		end := i + len(ssn)
		alone := (i == 0 || !isAlnum(text[i-1])) && (end == len(text) || !isAlnum(text[end]))
		b.WriteString(text[:i])
		if alone {
			b.WriteString(httpx.Redacted)
		} else {
			b.WriteString(ssn)
		}
		text = text[end:]
	}
}

func isAlnum(c byte) bool { return isLetter(c) || c >= '0' && c <= '9' }

// chunkScrubber is the scrubber for the answer to a chunk: the client's
// secrets and the chunk's SSNs (trimmed, empty ones left out).
func chunkScrubber[T any](c *Client, s *endpoint[T], chunk []T) *scrubber {
	sc := &scrubber{secrets: c.secrets}
	if s.ssn == nil {
		return sc
	}
	for _, r := range chunk {
		if v := strings.TrimSpace(s.ssn(r)); v != "" {
			sc.ssns = append(sc.ssns, v)
		}
	}
	return sc
}

// scrubError scrubs every server string of e in place and writes its
// Message from them.
func (s *scrubber) scrubError(e *Error) {
	s.texts(e.Messages)
	e.Type = s.text(e.Type)
	e.codeText = s.text(e.codeText)
	e.MoreInfo = s.text(e.MoreInfo)
	e.compose()
}
