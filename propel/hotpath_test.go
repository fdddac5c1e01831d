package propel

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"reflect"
	"strings"
	"testing"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/codec"
	"github.com/crmbatch/crmbatch/internal/vendorkit"
	"github.com/google/go-cmp/cmp"
)

// trickyTexts are values whose JSON encoding has every kind of escape
// encoding/json writes.
var trickyTexts = []string{
	"plain", `quote " and backslash \`, "<b>&amp;</b>", "line\u2028para\u2029",
	"tab\tnl\ncr\rbs\bff\f", "ctl \x00\x01\x1f\x7f", "bad utf-8 \xff\xfe end", "héllo 日本 🎉",
}

// fillFields sets every exported field of the struct v (not XMLName), nested
// structs, pointers and slices included, from text and n.
func fillFields(v reflect.Value, text string, n int64) {
	for i := range v.NumField() {
		f, sf := v.Field(i), v.Type().Field(i)
		if !sf.IsExported() || sf.Name == "XMLName" {
			continue
		}
		switch f.Kind() {
		case reflect.String:
			f.SetString(text + " " + sf.Name)
		case reflect.Int64:
			f.SetInt(n + int64(i))
		case reflect.Pointer:
			f.Set(reflect.New(f.Type().Elem()))
			fillFields(f.Elem(), text, n)
		case reflect.Slice:
			f.Set(reflect.MakeSlice(f.Type(), 2, 2))
			for j := range 2 {
				fillFields(f.Index(j), text, n+int64(j))
			}
		default:
			panic("fill: field kind not handled: " + sf.Name)
		}
	}
}

// checkAppend compares appendFn's output for records built by set with
// json.Marshal's: every field alone, every field at once, none.
func checkAppend[T any](t *testing.T, appendFn func([]byte, T) []byte) {
	t.Helper()
	var zero T
	cases := []T{zero}
	for _, text := range trickyTexts {
		var all T
		fillFields(reflect.ValueOf(&all).Elem(), text, 7)
		cases = append(cases, all)
		for i := range reflect.TypeFor[T]().NumField() {
			var one T
			src, dst := reflect.ValueOf(all), reflect.ValueOf(&one).Elem()
			if dst.Field(i).CanSet() {
				dst.Field(i).Set(src.Field(i))
				cases = append(cases, one)
			}
		}
	}
	for i, r := range cases {
		want, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendFn([]byte("prefix"), r); string(got) != "prefix"+string(want) {
			t.Fatalf("%T case %d:\n got %s\nwant prefix%s", r, i, got, want)
		}
	}
}

// TestAppendMatchesMarshal holds the hand-written body writers to
// json.Marshal, byte for byte, for every field of every request type: a
// field added to a type and not to its writer fails here.
func TestAppendMatchesMarshal(t *testing.T) {
	t.Parallel()
	checkAppend(t, appendCustomer)
	checkAppend(t, appendContact)
	checkAppend(t, appendCompany)
	checkAppend(t, appendBulkAddress)
	checkAppend(t, func(b []byte, p Parent) []byte { return appendParent(b, &p) })
	checkAppend(t, func(b []byte, s CompanySource) []byte { return appendCompanySource(b, &s) })
	checkAppend(t, func(b []byte, a Attribute) []byte { return appendAttribute(b, &a) })
}

// TestEncodeBulkMatchesMarshal checks a whole body, directives included.
func TestEncodeBulkMatchesMarshal(t *testing.T) {
	t.Parallel()
	chunk := make([]Customer, 3)
	for i := range chunk {
		fillFields(reflect.ValueOf(&chunk[i]).Elem(), trickyTexts[i], int64(i))
	}
	ds := []Directive{SkipIfNotEmpty("email", "phone"), SkipCreate()}
	dirs, err := encodeDirectives(ds)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(struct {
		Customers  []Customer  `json:"customers"`
		Directives []Directive `json:"directives"`
	}{chunk, ds})
	if got := encodeBulk("customers", chunk, appendCustomer, dirs); string(got) != string(want) {
		t.Fatalf("\n got %s\nwant %s", got, want)
	}
	want, _ = json.Marshal(map[string][]Customer{"customers": chunk[:1]})
	if got := encodeBulk("customers", chunk[:1], appendCustomer, nil); string(got) != string(want) {
		t.Fatalf("\n got %s\nwant %s", got, want)
	}
	if n, want := encodedSize(appendCustomer, chunk[0]), len(want)-len(`{"customers":[]}`)+1; n != want {
		t.Fatalf("encodedSize = %d, want %d", n, want)
	}
}

func FuzzAppendCustomer(f *testing.F) {
	for _, s := range trickyTexts {
		f.Add(s, s, int64(3))
	}
	f.Fuzz(func(t *testing.T, name, email string, id int64) {
		c := Customer{ID: id, SourceID: name, Email: email, Parent: &Parent{SourceID: email},
			Addresses: []Address{{Street: name, ICP: YN(email)}}}
		want, _ := json.Marshal(c)
		if got := appendCustomer(nil, c); string(got) != string(want) {
			t.Fatalf("\n got %s\nwant %s", got, want)
		}
	})
}

// parsedAddressOK is checkEmail without its fast path.
func parsedAddressOK(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == "" && strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".")
}

// TestPlainAddressIsParsedAlike checks that every address the fast path
// accepts, net/mail accepts as itself, and that checkEmail still refuses
// what it refused.
func TestPlainAddressIsParsedAlike(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"a@b.c", "first.last+tag@sub.example.com", "x!#$%&'*+-/=?^_`{|}~@d-1.nl", "1@2.3"} {
		if !plainAddress(s) || !parsedAddressOK(s) {
			t.Errorf("%q: plain %v, parsed %v; want both", s, plainAddress(s), parsedAddressOK(s))
		}
	}
	for _, s := range []string{"", "a", "@b.c", "a@", "a@b", ".a@b.c", "a.@b.c", "a..b@c.d", "a@.b.c", "a@b.c.", "a@b..c",
		"a b@c.d", `"a"@b.c`, "a@[1.2.3.4]", "Ann <a@b.c>", "a@b@c.d", "ä@b.c", "a@b.c (x)"} {
		if plainAddress(s) {
			t.Errorf("%q: taken by the fast path", s)
		}
		if (checkEmail("email", s) == nil) != (s == "" || parsedAddressOK(s)) {
			t.Errorf("%q: checkEmail disagrees with net/mail", s)
		}
	}
}

func FuzzPlainAddress(f *testing.F) {
	for _, s := range []string{"a@b.c", "a..b@c.d", "x+y@z.example", `"q"@b.c`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if plainAddress(s) && !parsedAddressOK(s) {
			t.Fatalf("%q: the fast path accepts what net/mail refuses", s)
		}
	})
}

// generalEntry is wireEntry's scalar members as decoded before: the
// tolerant codec types, a string and a *bool.
type generalEntry struct {
	Action  string        `json:"action"`
	ID      codec.Int     `json:"id"`
	Key     *codec.String `json:"key"`
	Success *bool         `json:"success"`
}

// fastEntry is the same members as wireEntry decodes them.
type fastEntry struct {
	Action  wireWord `json:"action"`
	ID      wireInt  `json:"id"`
	Key     wireText `json:"key"`
	Success wireFlag `json:"success"`
}

// decodeBoth decodes one JSON value as every member of both entry shapes
// and reports, per member, whether the two agree (value and error alike).
func decodeBoth(t *testing.T, v string) {
	t.Helper()
	for _, member := range []string{"action", "id", "key", "success"} {
		doc := []byte(fmt.Sprintf(`{%q:%s}`, member, v))
		if !json.Valid(doc) {
			return
		}
		var g generalEntry
		var f fastEntry
		gerr, ferr := json.Unmarshal(doc, &g), json.Unmarshal(doc, &f)
		if (gerr == nil) != (ferr == nil) {
			t.Fatalf("%s: general error %v, fast error %v", doc, gerr, ferr)
		}
		if gerr != nil {
			continue
		}
		gkey := ""
		if g.Key != nil {
			gkey = string(*g.Key)
		}
		gs := g.Success != nil && *g.Success
		got := []any{string(f.Action), int64(f.ID), string(f.Key), f.Success.set, f.Success.value}
		want := []any{g.Action, int64(g.ID), gkey, g.Success != nil, gs}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("%s (-general +fast):\n%s", doc, d)
		}
	}
}

// TestWireScalarsDecodeAsBefore checks the allocation-free members
// against the general types they replace.
func TestWireScalarsDecodeAsBefore(t *testing.T) {
	t.Parallel()
	for _, v := range []string{`"create"`, `"update"`, `"sourceId"`, `"id"`, `"code"`, `"C-1002"`, `"caf\u00e9"`, `"a\"b"`, `"\u00ff"`,
		`""`, `" 7 "`, `"12"`, `"-3"`, `"x"`, `null`, `true`, `false`, `0`, `-0`, `7`, `-7`, `3002196`, `12.0`, `12.5`, `1e3`,
		`999999999999999999`, `9223372036854775807`, `9223372036854775808`, `-9223372036854775808`, `[]`, `{}`, `[1]`, `{"a":1}`} {
		decodeBoth(t, v)
	}
}

func FuzzWireScalars(f *testing.F) {
	for _, v := range []string{`"create"`, `7`, `"7"`, `null`, `true`, `"\u00e9"`, `1.5`} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) { decodeBoth(t, v) })
}

// TestMatchInOrderIsMatchByKey checks that pairing an in-order answer by
// position gives what pairing it by key gives, repeated and numeric keys
// included.
func TestMatchInOrderIsMatchByKey(t *testing.T) {
	t.Parallel()
	chunk := []Customer{{SourceID: "A"}, {SourceID: "007"}, {SourceID: "A"}, {SourceID: "B"}}
	body := `{"data":[
		{"action":"create","id":1,"key":"A","success":true},
		{"action":"update","id":2,"key":7,"success":true},
		{"id":3,"key":"A","success":false,"message":"no"},
		{"action":"create","id":4,"key":"B","success":true}]}`
	br, err := decodeBulk([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	lookup := func(c Customer) string { return c.SourceID }
	if !inOrder(chunk, lookup, br) {
		t.Fatal("answer not seen in order")
	}
	sc := &scrubber{}
	got := match("op", chunk, lookup, br, 200, "r", sc)
	want := matchByKey("op", chunk, lookup, br, 200, "r", sc)
	if d := cmp.Diff(fmt.Sprint(want), fmt.Sprint(got)); d != "" {
		t.Fatalf("(-by key +by position):\n%s", d)
	}
	for i, r := range got {
		if r.Value.ID != int64(i+1) {
			t.Errorf("record %d got entry %d", i, r.Value.ID)
		}
	}
	// out of order: not in order, paired by key all the same
	br.Data[0], br.Data[3] = br.Data[3], br.Data[0]
	if inOrder(chunk, lookup, br) {
		t.Fatal("shuffled answer seen in order")
	}
	if got := match("op", chunk, lookup, br, 200, "r", sc); got[0].Value.ID != 3 || got[2].Value.ID != 1 || got[3].Value.ID != 4 {
		t.Fatalf("shuffled: %v", got)
	}
}

// TestMatchNeverPairsTheWrongRecord: answers that must not be read as they
// look (the reviewer's bodies): two keys alike but for leading zeros are
// told apart by their text; a second entry for a record already answered
// leaves it unconfirmed; an entry saying neither success nor failure
// confirms nothing.
func TestMatchNeverPairsTheWrongRecord(t *testing.T) {
	t.Parallel()
	lookup := func(c Customer) string { return c.SourceID }
	run := func(chunk []Customer, body string) []batch.Result[Result] {
		br, err := decodeBulk([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		return match("op", chunk, lookup, br, 200, "r", &scrubber{})
	}
	unconfirmed := func(r batch.Result[Result]) bool {
		var e *Error
		return errors.As(r.Err, &e) && e.Class == vendorkit.Malformed && e.maybeWritten
	}

	got := run([]Customer{{SourceID: "00123"}, {SourceID: "123"}},
		`{"data":[{"key":"123","success":false,"message":"bad 123","id":9},{"key":"00123","success":true,"id":8}],"total":2}`)
	if got[0].Err != nil || got[0].Value.ID != 8 || got[1].Err == nil || got[1].Value.ID != 9 {
		t.Errorf("00123 and 123: %+v", got)
	}

	got = run([]Customer{{SourceID: "C-00000"}, {SourceID: "C-00001"}},
		`{"data":[{"key":"C-00000","success":true,"id":1},{"key":"C-00000","success":false,"message":"C-00000 bad"},{"key":"C-00001","success":true,"id":2}],"total":3}`)
	if !unconfirmed(got[0]) || got[1].Err != nil {
		t.Errorf("two entries for C-00000: %+v", got)
	}

	got = run([]Customer{{SourceID: "C-00000"}, {SourceID: "C-00001"}}, `{"data":[{"key":"C-00000"},{"key":"C-00001"}]}`)
	if !unconfirmed(got[0]) || !unconfirmed(got[1]) {
		t.Errorf("entries without a success flag: %+v", got)
	}
}
