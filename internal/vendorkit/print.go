package vendorkit

import (
	"fmt"
	"log/slog"
)

// Printable is embedded in every vendor Client (first field) so that the
// client prints as its vendor and base URL, and nothing else, with every
// fmt verb (%v, %+v, %#v, %s …) and through slog: credentials held in the
// client's other fields can never reach a log line by printing the client.
//
// Its fields are unexported so that they are not promoted into the
// client's API: a caller could otherwise set a client's BaseURL and see
// it printed while requests still went to the old one. Build it with
// NewPrintable.
type Printable struct {
	vendor, baseURL string // the vendor package; where its requests go (never a credential)
}

// NewPrintable returns the Printable of a client of vendor whose requests
// go to baseURL.
func NewPrintable(vendor, baseURL string) Printable {
	return Printable{vendor: vendor, baseURL: baseURL}
}

// String returns "vendor.Client{BaseURL: …}".
func (p Printable) String() string {
	return fmt.Sprintf("%s.Client{BaseURL: %q}", p.vendor, p.baseURL)
}

// GoString is String, so %#v shows no field either.
func (p Printable) GoString() string { return p.String() }

// Format prints String for every verb.
func (p Printable) Format(f fmt.State, _ rune) { fmt.Fprint(f, p.String()) }

// LogValue gives slog the vendor and base URL only.
func (p Printable) LogValue() slog.Value {
	return slog.GroupValue(slog.String("vendor", p.vendor), slog.String("base_url", p.baseURL))
}

// BaseURL returns where the client's requests go: the base URL its options
// resolved (never carrying a credential).
func (p Printable) BaseURL() string { return p.baseURL }
