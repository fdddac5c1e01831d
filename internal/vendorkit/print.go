package vendorkit

import (
	"fmt"
	"log/slog"
)

// Printable is embedded in every vendor Client (first field) so that the
// client prints as its vendor and base URL, and nothing else, with every
// fmt verb (%v, %+v, %#v, %s …) and through slog: credentials held in the
// client's other fields can never reach a log line by printing the client.
type Printable struct {
	// Vendor names the vendor package; BaseURL is where its requests go
	// (it never carries a credential).
	Vendor, BaseURL string
}

// String returns "vendor.Client{BaseURL: …}".
func (p Printable) String() string {
	return fmt.Sprintf("%s.Client{BaseURL: %q}", p.Vendor, p.BaseURL)
}

// GoString is String, so %#v shows no field either.
func (p Printable) GoString() string { return p.String() }

// Format prints String for every verb.
func (p Printable) Format(f fmt.State, _ rune) { fmt.Fprint(f, p.String()) }

// LogValue gives slog the vendor and base URL only.
func (p Printable) LogValue() slog.Value {
	return slog.GroupValue(slog.String("vendor", p.Vendor), slog.String("base_url", p.BaseURL))
}
