package main

import (
	"maps"
	"slices"
)

// targets are the vendors the command imports into, by -vendor name.
var targets = map[string]target{
	"pardot": pardotTarget,
}

// targetNames lists the -vendor values, sorted.
func targetNames() []string { return slices.Sorted(maps.Keys(targets)) }
