package propel

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
)

// The documented directive operations.
const (
	// directiveSkipIfNotEmpty: on update, leave the listed fields alone
	// where the stored record already has a value.
	directiveSkipIfNotEmpty = "skipIfNotEmpty"
	// directiveSkipCreate: update existing records only; create none.
	directiveSkipCreate = "skipCreate"
	// directiveSkipMoveOnUpdate (companies): on update, do not move the
	// company under the parent given.
	directiveSkipMoveOnUpdate = "skipMoveOnUpdate"
)

// Directive changes how a bulk upsert treats existing records; it is sent
// in the request's "directives" array. Build one with SkipIfNotEmpty,
// SkipCreate or SkipMoveOnUpdate.
//
// In XML a directive is <directive> with one <operation> and one <field>
// per field name; a directive without fields decodes with an empty,
// non-nil Fields, so it encodes to JSON as "fields":[] as the API expects.
type Directive struct {
	XMLName xml.Name `json:"-" xml:"directive"`
	// Operation is "skipIfNotEmpty", "skipCreate" or "skipMoveOnUpdate".
	Operation string `json:"operation" xml:"operation"`
	// Fields are the JSON names of the fields the operation applies to.
	Fields []string `json:"fields" xml:"field"`
}

// UnmarshalXML reads a <directive>, leaving Fields empty but not nil when
// it lists none.
func (d *Directive) UnmarshalXML(dec *xml.Decoder, start xml.StartElement) error {
	type plain Directive
	p := plain{Fields: []string{}}
	if err := dec.DecodeElement(&p, &start); err != nil {
		return err
	}
	*d = Directive(p)
	return nil
}

// SkipIfNotEmpty returns the directive that keeps the listed fields (JSON
// names, e.g. "email") of existing records that already have a value.
func SkipIfNotEmpty(fields ...string) Directive {
	return Directive{Operation: directiveSkipIfNotEmpty, Fields: fields}
}

// SkipCreate returns the directive that only updates existing records.
func SkipCreate() Directive { return Directive{Operation: directiveSkipCreate, Fields: []string{}} }

// SkipMoveOnUpdate returns the companies directive that keeps an existing
// company where it is in the hierarchy.
func SkipMoveOnUpdate() Directive {
	return Directive{Operation: directiveSkipMoveOnUpdate, Fields: []string{}}
}

// WithDirectives sends the directives with every bulk request the client
// makes (use one client per set of directives).
func WithDirectives(ds ...Directive) Option {
	return func(c *config) error {
		for i, d := range ds {
			switch d.Operation {
			case directiveSkipIfNotEmpty:
				if len(d.Fields) == 0 {
					return fmt.Errorf("propel: WithDirectives: directive %d (%s) names no fields", i, d.Operation)
				}
				for _, f := range d.Fields {
					if strings.TrimSpace(f) == "" {
						return fmt.Errorf("propel: WithDirectives: directive %d has an empty field name", i)
					}
				}
			case directiveSkipCreate, directiveSkipMoveOnUpdate:
			default:
				return errors.New("propel: WithDirectives: unknown operation " + fmt.Sprintf("%q", d.Operation))
			}
			if ds[i].Fields == nil {
				ds[i].Fields = []string{}
			}
		}
		c.directives = append([]Directive(nil), ds...)
		return nil
	}
}
