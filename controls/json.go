package controls

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/invopop/jsonschema"
)

// maxDocumentSize bounds what Decode reads, so a hostile input cannot
// exhaust memory.
const maxDocumentSize = 32 << 20

// Decode reads a catalog in its own JSON format (a [Document]) and
// validates it fully. Decoding is strict: unknown fields, trailing data and
// wrongly typed values are errors, and every error names its field path
// ("controls[3].foo: unknown field").
func Decode(r io.Reader) (*Catalog, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxDocumentSize+1))
	if err != nil {
		return nil, fmt.Errorf("controls: decode: %w", err)
	}
	if len(raw) > maxDocumentSize {
		return nil, fmt.Errorf("controls: decode: document larger than %d bytes", maxDocumentSize)
	}
	doc, err := decodeDocument(raw)
	if err != nil {
		return nil, err
	}
	return build(doc, func(i int) string { return fmt.Sprintf("controls[%d]", i) })
}

func decodeDocument(raw []byte) (Document, error) {
	var doc Document
	var generic any
	if err := json.Unmarshal(raw, &generic); err != nil {
		return doc, fmt.Errorf("controls: decode: %w", err)
	}
	var ps problems
	unknownFields(&ps, generic, reflect.TypeFor[Document](), "")
	if err := ps.err(); err != nil {
		return doc, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			ps.add(te.Field, "cannot use JSON %s as %s", te.Value, te.Type)
			return doc, ps.err()
		}
		return doc, fmt.Errorf("controls: decode: %w", err)
	}
	return doc, nil
}

// unknownFields reports object keys that t does not declare, with their
// paths; encoding/json alone names the key but not where it is.
func unknownFields(ps *problems, v any, t reflect.Type, path string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return // type errors are reported by the real decode
		}
		fields := map[string]reflect.Type{}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			fields[name] = f.Type
		}
		for _, k := range sortedKeys(obj) {
			ft, ok := fields[k]
			p := k
			if path != "" {
				p = path + "." + k
			}
			if !ok {
				ps.add(p, "unknown field")
				continue
			}
			unknownFields(ps, obj[k], ft, p)
		}
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			return
		}
		for i, e := range arr {
			unknownFields(ps, e, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

// Encode writes c in its own JSON format: indented with two spaces, in
// canonical order, ending in a newline. The output is stable: the same
// catalog always encodes to the same bytes.
func Encode(w io.Writer, c *Catalog) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(c.doc); err != nil {
		return fmt.Errorf("controls: encode: %w", err)
	}
	return nil
}

// JSONSchema returns the JSON Schema (draft 2020-12) of [Document], the
// catalog's own JSON format, for editors and other tools.
func JSONSchema() ([]byte, error) {
	r := &jsonschema.Reflector{
		AllowAdditionalProperties: false,
		DoNotReference:            false,
	}
	s := r.Reflect(&Document{})
	s.ID = "https://github.com/aimsgo/iso42001/schemas/controls-catalog.json"
	s.Title = "ISO/IEC 42001 control catalog"
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("controls: schema: %w", err)
	}
	return append(out, '\n'), nil
}
