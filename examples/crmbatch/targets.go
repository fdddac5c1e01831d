package main

import (
	"maps"
	"slices"
)

// targets are the vendors the command imports into, by -vendor name.
var targets = map[string]target{
	"agiliron": agilironTarget,
	"hubspot":  hubspotTarget,
	"noojee":   noojeeTarget,
	"pardot":   pardotTarget,
	"propel":   propelTarget,
}

// targetNames lists the -vendor values, sorted.
func targetNames() []string { return slices.Sorted(maps.Keys(targets)) }
