package controls

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/invopop/jsonschema"

	"github.com/aimsgo/iso42001/internal/strictjson"
)

// Input limits of [Decode] and [ImportOSCAL], checked in one cheap pass
// over the bytes before anything is decoded, so a hostile document cannot
// exhaust memory or time.
const (
	// MaxDocumentSize bounds an encoded catalog.
	MaxDocumentSize = 32 << 20
	// MaxDocumentDepth bounds how deeply its objects and arrays nest.
	MaxDocumentDepth = 64
	// MaxDocumentValues bounds the number of JSON values in it; the
	// ISO/IEC 42001 catalog has about 5,000.
	MaxDocumentValues = 500_000
)

const maxDocumentSize = MaxDocumentSize

var documentLimits = strictjson.Limits{MaxBytes: MaxDocumentSize, MaxDepth: MaxDocumentDepth, MaxValues: MaxDocumentValues}

// Decode reads a catalog in its own JSON format (a [Document]) and
// validates it fully. Decoding is strict: unknown fields, duplicate keys,
// invalid UTF-8, trailing data and wrongly typed values are errors, and
// every error names its field path ("controls[3].foo: unknown field");
// ids and titles must be one line, and no text may hold control
// characters other than tab and line breaks. The limits
// [MaxDocumentSize], [MaxDocumentDepth] and [MaxDocumentValues] are
// checked before anything is decoded.
func Decode(r io.Reader) (*Catalog, error) {
	raw, err := readDocument(r, "decode")
	if err != nil {
		return nil, err
	}
	doc, err := decodeDocument(raw)
	if err != nil {
		return nil, err
	}
	return build(doc, func(i int) string { return fmt.Sprintf("controls[%d]", i) })
}

// readDocument reads at most MaxDocumentSize bytes of r.
func readDocument(r io.Reader, op string) ([]byte, error) {
	var buf bytes.Buffer
	if l, ok := r.(interface{ Len() int }); ok {
		// A bytes or strings reader says how much is coming: one
		// allocation instead of ReadAll's doublings.
		buf.Grow(min(l.Len(), maxDocumentSize) + 1)
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, maxDocumentSize+1)); err != nil {
		return nil, fmt.Errorf("controls: %s: %w", op, err)
	}
	raw := buf.Bytes()
	if len(raw) > maxDocumentSize {
		return nil, fmt.Errorf("controls: %s: document larger than %d bytes: %w", op, maxDocumentSize, ErrInvalid)
	}
	return raw, nil
}

// validationError returns res's problems as a [*ValidationError], or nil.
func validationError(res strictjson.Result) error {
	if res.OK() {
		return nil
	}
	ps := make([]Problem, 0, len(res.Problems)+1)
	for _, p := range res.Problems {
		ps = append(ps, Problem{Path: p.Path, Message: p.Rule})
	}
	if res.Omitted > 0 {
		ps = append(ps, Problem{Message: fmt.Sprintf("and %d more problems", res.Omitted)})
	}
	return &ValidationError{Problems: ps}
}

func decodeDocument(raw []byte) (Document, error) {
	var doc Document
	res, err := strictjson.Unmarshal(raw, &doc, documentLimits)
	if err := validationError(res); err != nil {
		return Document{}, err
	}
	if err != nil {
		return Document{}, fmt.Errorf("controls: decode: %w: %w", ErrInvalid, err)
	}
	if err := validationError(strictjson.Tidy(&doc, false)); err != nil {
		return Document{}, err
	}
	return doc, nil
}

// unknownFields reports object keys that t does not declare, with their
// paths; encoding/json alone names the key but not where it is. (The
// OSCAL mapping import uses it; catalogs go through strictjson.)
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
