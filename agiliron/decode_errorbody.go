package agiliron

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/crmbatch/crmbatch/internal/httpx"
)

// errorMessage extracts a short message from an error response: a
// message-like field of a JSON or XML body, else the start of the body,
// else the status text.
func errorMessage(resp *httpx.Response) string {
	body := resp.Body
	msg := ""
	if detectFormat(resp.Header.Get("Content-Type"), body) == XML {
		if root, err := parseXML(body); err == nil {
			msg = messageXML(root, 0)
		}
	} else {
		var v any
		if json.Unmarshal(body, &v) == nil {
			msg = messageJSON(v, 0)
		}
	}
	if msg == "" {
		msg = string(bytes.TrimSpace(body))
	}
	msg = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, msg)
	if len(msg) > 200 {
		cut := 200
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	return msg
}

func isMessageName(k string) bool {
	k = strings.ToLower(k)
	return strings.Contains(k, "message") || strings.Contains(k, "error") || k == "description"
}

func messageJSON(v any, depth int) string {
	if depth > maxNesting {
		return ""
	}
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if s, ok := val.(string); ok && isMessageName(k) && strings.TrimSpace(s) != "" {
				return strings.TrimSpace(s)
			}
		}
		for _, val := range x {
			if s := messageJSON(val, depth+1); s != "" {
				return s
			}
		}
	case []any:
		for _, val := range x {
			if s := messageJSON(val, depth+1); s != "" {
				return s
			}
		}
	}
	return ""
}

func messageXML(n *xnode, depth int) string {
	if depth > maxNesting {
		return ""
	}
	if isMessageName(n.name) && len(n.kids) == 0 && strings.TrimSpace(n.text) != "" {
		return strings.TrimSpace(n.text)
	}
	for _, k := range n.kids {
		if s := messageXML(k, depth+1); s != "" {
			return s
		}
	}
	return ""
}
