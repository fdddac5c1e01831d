package noojee

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// secretForms returns the spellings of the apiKey an answer may echo back
// (as sent in the query, path-escaped, JSON-escaped with or without "\/"),
// all of which are scrubbed from errors and log lines.
func secretForms(key string) []string {
	js, _ := json.Marshal(key)
	inJSON := string(js[1 : len(js)-1])
	forms := []string{key, url.QueryEscape(key), url.PathEscape(key), inJSON, strings.ReplaceAll(inJSON, "/", `\/`)}
	slices.Sort(forms)
	return slices.Compact(forms)
}

// Format prints the client without its apiKey, whatever the verb: a
// Client in a log line or a %#v must not carry the key.
func (c Client) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "noojee.Client{%s, apiKey: %s}", c.cfg.baseURL, redacted)
}

// Format prints the campaign without its apiKey, whatever the verb.
func (cp Campaign) Format(f fmt.State, verb rune) {
	t := cp.target
	fmt.Fprintf(f, "noojee.Campaign{template %q, campaign %q, allocation %q, allowDuplicates %v, apiKey: %s}",
		t.TemplateID, t.CampaignID, t.AllocationID, t.AllowDuplicates, redacted)
}

// redacted stands in for the apiKey where a printed value would hold it.
const redacted = "REDACTED"
