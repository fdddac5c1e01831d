package agiliron

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/codec"
)

// Decoding limits: hostile bodies end in an error, never a panic or a
// runaway allocation.
const (
	maxNesting  = 32
	maxXMLNodes = 1 << 20
)

// detectFormat picks a body's format from its Content-Type, else from its
// first non-space byte.
func detectFormat(contentType string, body []byte) Format {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		switch {
		case strings.HasSuffix(mt, "xml"):
			return XML
		case strings.HasSuffix(mt, "json"):
			return JSON
		}
	}
	if t := bytes.TrimLeftFunc(body, unicode.IsSpace); len(t) > 0 && t[0] == '<' {
		return XML
	}
	return JSON
}

func malformed(what string, err error) error {
	return fmt.Errorf("%w: %s: %v", batch.ErrMalformedResponse, what, err)
}

// xnode is a parsed XML element: its name, its text and its children.
type xnode struct {
	name string
	text string
	buf  []byte // text as read, appended in amortized time
	kids []*xnode
}

// child returns the first child named name (case-insensitive).
func (n *xnode) child(name string) *xnode {
	for _, k := range n.kids {
		if strings.EqualFold(k.name, name) {
			return k
		}
	}
	return nil
}

// parseXML reads one XML document into a tree, bounded in depth and size.
func parseXML(body []byte) (*xnode, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = true
	var (
		stack []*xnode
		root  *xnode
		nodes int
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, errors.New("more than one root element")
			}
			if len(stack) >= maxNesting {
				return nil, errors.New("nested too deep")
			}
			if nodes++; nodes > maxXMLNodes {
				return nil, errors.New("too many elements")
			}
			n := &xnode{name: t.Name.Local}
			if len(stack) == 0 {
				root = n
			} else {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, errors.New("unbalanced end element")
			}
			n := stack[len(stack)-1]
			n.text, n.buf = string(n.buf), nil
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				n := stack[len(stack)-1]
				n.buf = append(n.buf, t...)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, errors.New("text outside the root element")
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	if len(stack) != 0 {
		return nil, errors.New("unclosed element")
	}
	return root, nil
}

// intText reads a count or a Record number written as text (" 7 ", "",
// "1e3"), the way codec.Int reads it, bounded to 0..2^31.
func intText(s string, dst *int) error {
	n, err := codec.ParseInt(s)
	if err != nil {
		return err
	}
	if n < 0 || int64(n) > 1<<31 {
		return fmt.Errorf("count %d out of range", n)
	}
	*dst = int(n)
	return nil
}
