// Package manifests holds the example AIMS manifests, embedded so that
// programs (aimsctl demo, tests) apply the same bytes a person reads in
// this directory: northwind.yaml, the worked organisation, and
// minimal.yaml, the smallest manifest that validates.
package manifests

import (
	_ "embed"
	"slices"
)

//go:embed northwind.yaml
var northwind []byte

//go:embed minimal.yaml
var minimal []byte

// NorthwindName is the path of Northwind within the module, the name its
// problems are reported under.
const NorthwindName = "examples/manifests/northwind.yaml"

// Northwind returns a copy of northwind.yaml: Northwind Lending, the
// organisation of aimsctl demo, from its context to its first
// management review.
func Northwind() []byte { return slices.Clone(northwind) }

// Minimal returns a copy of minimal.yaml.
func Minimal() []byte { return slices.Clone(minimal) }
