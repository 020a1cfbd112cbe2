package iso42001

import (
	_ "embed"
	"encoding/json"
	"slices"

	"github.com/invopop/jsonschema"
)

//go:embed testdata/manifest/aims-manifest.schema.json
var manifestSchema []byte

// ManifestSchemaID is the $id of the manifest's JSON Schema.
const ManifestSchemaID = "https://iso42001.aimsgo.dev/schemas/aims-manifest-v1.json"

// ManifestSchema returns the JSON Schema (draft 2020-12) of [Manifest],
// generated from the Go types: unknown fields are refused, fields
// without a default are required, enumerations are listed. Editors use
// it to complete and check manifests; it is the contract other tools
// write to. The caller may keep and change the returned bytes.
func ManifestSchema() []byte { return slices.Clone(manifestSchema) }

// generateManifestSchema reflects the schema from the Go types and the
// doc comments of manifest.go (so it runs where the source is: in the
// tests, which check the embedded copy against it and rewrite it with
// -update).
func generateManifestSchema() ([]byte, error) {
	r := &jsonschema.Reflector{ExpandedStruct: true}
	// The descriptions are the doc comments of the manifest's own types
	// (manifest.go), so editors explain each field; the records' packages
	// are left out, so that their comments do not churn this schema.
	if err := r.AddGoComments("github.com/aimsgo/iso42001", "manifest.go"); err != nil {
		return nil, err
	}
	s := r.Reflect(&Manifest{})
	s.ID = ManifestSchemaID
	s.Title = "ISO/IEC 42001 AIMS manifest"
	s.Description = "An organisation's AI management system as code: what it sets in Plan (clauses 4 to 6), its documented information, metrics and audit programmes."
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
