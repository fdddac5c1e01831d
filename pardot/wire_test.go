package pardot_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"slices"

	"github.com/crmbatch/crmbatch/batch"
	"github.com/crmbatch/crmbatch/internal/testkit"
	"github.com/crmbatch/crmbatch/pardot"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"
	"gopkg.in/h2non/gock.v1"
)

const (
	testToken = "gock-access-token"
	testBU    = "0Uv5g000000KzXYZAB"
)

// captured is what the wire saw.
type captured struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Form                   url.Values
}

// capture is a gock matcher that records the request and restores its body.
func capture(into *captured) gock.MatchFunc {
	return func(req *http.Request, _ *gock.Request) (bool, error) {
		body, err := testkit.PeekBody(req)
		if err != nil {
			return false, err
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return false, err
		}
		*into = captured{Method: req.Method, Path: req.URL.Path, RawQuery: req.URL.RawQuery, Header: req.Header.Clone(), Form: form}
		return true, nil
	}
}

// gockClient builds a client whose requests gock intercepts.
func gockClient(t *testing.T, opts ...pardot.Option) *pardot.Client {
	t.Helper()
	hc := &http.Client{}
	gock.InterceptClient(hc)
	c, err := pardot.New(append([]pardot.Option{pardot.WithHTTPClient(hc), pardot.WithEngine(batch.Config{Retry: fastRetry})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func gockInput(op string, version string) []pardot.Prospect {
	no := false
	switch op {
	case "batchCreate":
		return []pardot.Prospect{
			{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace", Company: "Analytical & Co"},
			{Email: "bob@example.com", OptedOut: &no, Fields: map[string]string{"list_12": "1", "favorite_color": "green"}},
		}
	}
	second := pardot.Prospect{Email: "bob@example.com", JobTitle: "CTO <acting>"}
	if version == "4" {
		second = pardot.Prospect{FID: "00Q5g00000AbCdEFGH", Email: "bob@example.com", JobTitle: "CTO <acting>"}
	}
	return []pardot.Prospect{{ID: 1234, FirstName: "Ada"}, second}
}

// TestGoldenRequests pins the exact request of every operation, version
// and format, and decodes a per-prospect error in the matching format.
func TestGoldenRequests(t *testing.T) {
	defer gock.Off()
	for _, op := range []string{"batchCreate", "batchUpdate", "batchUpsert"} {
		for _, version := range []string{"3", "4"} {
			for _, format := range []pardot.Format{pardot.JSON, pardot.XML} {
				name := fmt.Sprintf("%s_v%s.%s", op, version, format)
				t.Run(name, func(t *testing.T) {
					defer gock.Off()
					c := gockClient(t, pardot.WithToken(testToken, testBU), pardot.WithAPIVersion(version), pardot.WithFormat(format))
					var err error

					in := gockInput(op, version)
					// The second record fails: keyed by position in v4,
					// by identifier in v3.
					key := "1"
					if version == "3" {
						key = in[1].Email
					}
					body := `{"@attributes":{"stat":"ok","version":1},"errors":{"` + key + `":"Invalid prospect email address"}}`
					if format == pardot.XML {
						body = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<rsp stat="ok" version="1.0"><errors><prospect identifier="` + key + `">Invalid prospect email address</prospect></errors></rsp>`
					}
					var got captured
					gock.New(pardot.DefaultBaseURL).
						Post(fmt.Sprintf("/api/prospect/version/%s/do/%s", version, op)).
						MatchHeader("Content-Type", "^application/x-www-form-urlencoded$").
						MatchHeader("Authorization", "^Bearer "+testToken+"$").
						MatchHeader("Pardot-Business-Unit-Id", "^"+testBU+"$").
						AddMatcher(capture(&got)).
						Reply(200).BodyString(body)

					var rep *batch.Report[pardot.Result]
					switch op {
					case "batchCreate":
						rep, err = c.Prospects().Create(context.Background(), slices.Values(in))
					case "batchUpdate":
						rep, err = c.Prospects().Update(context.Background(), slices.Values(in))
					default:
						rep, err = c.Prospects().Upsert(context.Background(), slices.Values(in))
					}
					if !gock.IsDone() {
						t.Fatalf("request not made as expected: %v", err)
					}
					checkRun(t, rep, err, counts(2, 1, 1, 0))
					var pe *pardot.Error
					if o, _ := rep.Outcome(1); !errors.As(o.Err, &pe) || pe.Code != pardot.CodeInvalidEmail || pe.Key != key {
						t.Errorf("record 1: %v, want code 4 keyed %q", o.Err, key)
					}
					if got.Method != http.MethodPost || got.RawQuery != "" {
						t.Errorf("method %s, query %q: want POST and no query", got.Method, got.RawQuery)
					}
					if d := cmp.Diff([]string{format.String()}, got.Form["format"]); d != "" {
						t.Errorf("format (-want +got):\n%s", d)
					}
					if len(got.Form) != 2 || len(got.Form["prospects"]) != 1 {
						t.Errorf("form %v: want exactly format and prospects", got.Form)
					}
					testkit.Golden(t, name, []byte(got.Form.Get("prospects")))
				})
			}
		}
	}
}

// TestGoldenLegacyLogin pins the login request and the legacy auth header.
func TestGoldenLegacyLogin(t *testing.T) {
	defer gock.Off()
	for _, format := range []pardot.Format{pardot.JSON, pardot.XML} {
		t.Run(format.String(), func(t *testing.T) {
			defer gock.Off()
			c := gockClient(t, pardot.WithLegacyLogin("user@example.com", "pa ss&word", "aaaabbbbccccddddeeeeffff00001111"),
				pardot.WithBaseURL(pardot.DemoBaseURL), pardot.WithFormat(format))
			var login, call captured
			loginBody := `{"@attributes":{"stat":"ok","version":1},"api_key":"k-123"}`
			okBody := `{"@attributes":{"stat":"ok","version":1}}`
			if format == pardot.XML {
				loginBody = `<rsp stat="ok" version="1.0"><api_key>k-123</api_key><version>3</version></rsp>`
				okBody = `<rsp stat="ok" version="1.0"></rsp>`
			}
			gock.New(pardot.DemoBaseURL).Post("/api/login/version/3").
				MatchHeader("Content-Type", "^application/x-www-form-urlencoded$").
				AddMatcher(capture(&login)).Reply(200).BodyString(loginBody)
			gock.New(pardot.DemoBaseURL).Post("/api/prospect/version/3/do/batchUpsert").
				MatchHeader("Authorization", `^Pardot api_key=k-123, user_key=aaaabbbbccccddddeeeeffff00001111$`).
				AddMatcher(capture(&call)).Reply(200).BodyString(okBody)
			rep, err := c.Prospects().Upsert(context.Background(), slices.Values([]pardot.Prospect{{Email: "some@email.com", FirstName: "New first name", LastName: "New last name"}}))
			if !gock.IsDone() {
				t.Fatalf("requests not made as expected: %v", err)
			}
			checkRun(t, rep, err, counts(1, 1, 0, 0))
			want := url.Values{"email": {"user@example.com"}, "password": {"pa ss&word"}, "user_key": {"aaaabbbbccccddddeeeeffff00001111"}, "format": {format.String()}}
			if d := cmp.Diff(want, login.Form); d != "" || login.RawQuery != "" {
				t.Errorf("login form (-want +got):\n%s\nquery %q", d, login.RawQuery)
			}
			if call.Header.Get("Pardot-Business-Unit-Id") != "" || call.RawQuery != "" {
				t.Errorf("legacy call carries a business unit or a query: %v %q", call.Header, call.RawQuery)
			}
			testkit.Golden(t, "legacy_upsert_v3."+format.String(), []byte(call.Form.Get("prospects")))
		})
	}
}

// TestGlobalFailureOnHTTP200 checks that stat=fail is found in a 200 body
// (one prospect, so the refusal is not split further).
func TestGlobalFailureOnHTTP200(t *testing.T) {
	defer gock.Off()
	c := gockClient(t, pardot.WithToken(testToken, testBU), pardot.WithFormat(pardot.XML))
	gock.New(pardot.DefaultBaseURL).Post("/api/prospect/version/3/do/batchUpdate").Reply(200).
		BodyString(`<rsp stat="fail" version="1.0"><err code="71">Input needs to be valid JSON or XML</err></rsp>`)
	rep, err := c.Prospects().Update(context.Background(), slices.Values([]pardot.Prospect{{ID: 1, City: "X"}}))
	checkRun(t, rep, err, counts(1, 0, 1, 0))
	var pe *pardot.Error
	if !errors.As(err, &pe) || pe.Code != pardot.CodeInvalidInput || pe.HTTPStatus != 200 || !errors.Is(err, batch.ErrInvalid) {
		t.Errorf("err = %v", err)
	}
	if !gock.IsDone() {
		t.Error("request not made")
	}
}

// TestUnmatchedKeyFailsWholeChunk answers with an errors map whose key
// names no prospect of the request, in both formats and versions, keyed
// the version's way (an identifier in v3, a position in v4). The entry
// carries the retryable code 62, yet the request is neither resent nor
// guessed at: every prospect fails with ErrUnmatchedKey and
// batch.ErrOutcomeUnknown, because Pardot processed the request.
func TestUnmatchedKeyFailsWholeChunk(t *testing.T) {
	defer gock.Off()
	for _, version := range []string{"3", "4"} {
		for _, format := range []pardot.Format{pardot.JSON, pardot.XML} {
			for _, op := range []string{"batchCreate", "batchUpsert"} {
				t.Run(fmt.Sprintf("%s_v%s.%s", op, version, format), func(t *testing.T) {
					defer gock.Off()
					c := gockClient(t, pardot.WithToken(testToken, testBU), pardot.WithAPIVersion(version), pardot.WithFormat(format))
					key, attr := "nobody@example.com", "identifier"
					if version == "4" {
						key, attr = "2", "index" // two prospects: positions 0 and 1
					}
					body := `{"@attributes":{"stat":"ok","version":1},"errors":{"` + key + `":{"code":62,"message":"Conflicting Update"}}}`
					if format == pardot.XML {
						body = `<rsp stat="ok" version="1.0"><errors><prospect ` + attr + `="` + key + `" code="62">Conflicting Update</prospect></errors></rsp>`
					}
					var calls int
					gock.New(pardot.DefaultBaseURL).Post(fmt.Sprintf("/api/prospect/version/%s/do/%s", version, op)).
						AddMatcher(func(*http.Request, *gock.Request) (bool, error) { calls++; return true, nil }).
						Times(2).Reply(200).BodyString(body)

					in := gockInput(op, version)
					run := c.Prospects().Upsert
					if op == "batchCreate" {
						run = c.Prospects().Create
					}
					rep, err := run(context.Background(), slices.Values(in))
					checkRun(t, rep, err, counts(2, 0, 2, 0))
					if calls != 1 {
						t.Errorf("%d requests, want 1 (an unmatched answer is never resent)", calls)
					}
					for i := range in {
						o, _ := rep.Outcome(i)
						var pe *pardot.Error
						if !errors.Is(o.Err, batch.ErrOutcomeUnknown) ||
							!errors.As(o.Err, &pe) || pe.Key != key || pe.Retryable() {
							t.Errorf("record %d: %v; want ErrOutcomeUnknown, key %q, not retryable", i, o.Err, key)
						}
					}
				})
			}
		}
	}
}

// TestGoldenSessionRenewal pins the replay after Pardot's code 184, with
// the bodies the sources show: Trailhead's JSON (feed 0D54V00007ajE8HSAU),
// ruby-pardot's XML (spec/pardot/http_spec.rb), and a JSON body without
// err_code, known by its message. The replay carries the new token, the
// same business unit and a byte-identical form body.
func TestGoldenSessionRenewal(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		format     pardot.Format
	}{
		{"trailhead JSON", `{"@attributes":{"stat":"fail","version":1,"err_code":184},"err":"access_token is invalid, unknown, or malformed: Inactive token"}`, pardot.JSON},
		{"ruby-pardot XML", `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<rsp stat="fail" version="1.0">` + "\n" + `   <err code="184">access_token is invalid, unknown, or malformed</err>` + "\n</rsp>\n", pardot.XML},
		{"message only", `{"@attributes":{"stat":"fail","version":1},"err":"access_token is invalid, unknown, or malformed: Invalid scope"}`, pardot.JSON},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer gock.Off()
			tokens := []string{"first-token", "second-token"}
			var calls int
			c := gockClient(t, pardot.WithFormat(tc.format), pardot.WithTokenFunc(func(context.Context) (*oauth2.Token, error) {
				calls++
				return &oauth2.Token{AccessToken: tokens[calls-1], TokenType: "Bearer"}, nil
			}, testBU))
			var refused, replayed captured
			okBody := `{"@attributes":{"stat":"ok","version":1}}`
			if tc.format == pardot.XML {
				okBody = `<rsp stat="ok" version="1.0"></rsp>`
			}
			gock.New(pardot.DefaultBaseURL).Post("/api/prospect/version/3/do/batchUpsert").
				MatchHeader("Authorization", "^Bearer first-token$").
				AddMatcher(capture(&refused)).Reply(200).BodyString(tc.body)
			gock.New(pardot.DefaultBaseURL).Post("/api/prospect/version/3/do/batchUpsert").
				MatchHeader("Authorization", "^Bearer second-token$").
				MatchHeader("Pardot-Business-Unit-Id", "^"+testBU+"$").
				AddMatcher(capture(&replayed)).Reply(200).BodyString(okBody)
			rep, err := c.Prospects().Upsert(context.Background(), slices.Values([]pardot.Prospect{{Email: "some@email.com", FirstName: "Ada"}}))
			if !gock.IsDone() {
				t.Fatalf("requests not made as expected: %v", err)
			}
			checkRun(t, rep, err, counts(1, 1, 0, 0))
			if calls != 2 || rep.Requests != 2 || rep.Retries != 1 {
				t.Errorf("token calls %d, requests %d, retries %d; want 2, 2, 1", calls, rep.Requests, rep.Retries)
			}
			if d := cmp.Diff(refused.Form, replayed.Form); d != "" {
				t.Errorf("replayed form differs (-refused +replayed):\n%s", d)
			}
		})
	}
}
