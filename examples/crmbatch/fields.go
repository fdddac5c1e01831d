package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// setFields fills the exported fields of the struct dst points to from
// fields, matching each struct field by its json tag name; string, integer,
// float and bool fields (and pointers to them) are parsed from the text,
// and nested structs, lists and maps from JSON in the column.
// It returns the input fields that matched no struct field, for the
// vendor's custom-field map.
func setFields(dst any, fields map[string]string) (map[string]string, error) {
	v := reflect.ValueOf(dst).Elem()
	t := v.Type()
	rest := make(map[string]string, len(fields))
	for k, val := range fields {
		rest[k] = val
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "" || name == "-" {
			continue
		}
		text, ok := fields[name]
		if !ok {
			continue
		}
		delete(rest, name)
		if err := setText(v.Field(i), text); err != nil {
			return nil, fmt.Errorf("field %s: %w", name, err)
		}
	}
	return rest, nil
}

// setText parses text into f.
func setText(f reflect.Value, text string) error {
	if f.Kind() == reflect.Pointer {
		p := reflect.New(f.Type().Elem())
		if err := setText(p.Elem(), text); err != nil {
			return err
		}
		f.Set(p)
		return nil
	}
	switch f.Kind() {
	case reflect.String:
		f.SetString(text)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
		if err != nil {
			return fmt.Errorf("not an integer: %q", text)
		}
		f.SetInt(n)
	case reflect.Float32, reflect.Float64:
		n, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if err != nil {
			return fmt.Errorf("not a number: %q", text)
		}
		f.SetFloat(n)
	case reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(text))
		if err != nil {
			return fmt.Errorf("not true/false: %q", text)
		}
		f.SetBool(b)
	case reflect.Struct, reflect.Slice, reflect.Map:
		// Nested values (addresses, a parent) are given as JSON in the column.
		if err := json.Unmarshal([]byte(text), f.Addr().Interface()); err != nil {
			return fmt.Errorf("want JSON for %s: %w", f.Type(), err)
		}
	default:
		return fmt.Errorf("cannot be set from a column (%s)", f.Type())
	}
	return nil
}
