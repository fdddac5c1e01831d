// Package vendorkit is what every crmbatch vendor package shares on its
// request path: the error base each vendor's Error embeds (the same field
// names in all five), the classification of HTTP statuses and transport
// failures into the engine's classes, the code table each vendor fills in
// one place, and the print guard that keeps a Client's secrets out of fmt
// and slog.
//
// Arrows point down: vendor -> vendorkit -> httpx, and vendorkit -> batch
// (for the class sentinels the errors match).
package vendorkit
