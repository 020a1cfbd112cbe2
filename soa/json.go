package soa

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aimsgo/iso42001/aims"
	"github.com/invopop/jsonschema"
)

// maxDocumentSize bounds what the decoders read: an SoA of 100k risks is
// about 30 MB.
const maxDocumentSize = 64 << 20

// Encode writes s as indented JSON ending in a newline. The format is
// stable interchange (see [JSONSchema]); the same SoA always encodes to
// the same bytes.
func Encode(w io.Writer, s *SoA) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("soa: encode: %w", err)
	}
	return nil
}

// Decode reads an SoA written by [Encode] and checks its structure with
// [SoA.Validate]. Decoding is strict: unknown fields, trailing data and
// wrongly typed values are errors naming their field. Judge the content
// with [Validate].
func Decode(r io.Reader) (*SoA, error) {
	var s SoA
	if err := decodeStrict(r, &s); err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("soa: decode: %w", err)
	}
	return &s, nil
}

// DecodeDecision reads one [Decision] as JSON and validates it.
func DecodeDecision(r io.Reader) (*Decision, error) {
	var d Decision
	if err := decodeStrict(r, &d); err != nil {
		return nil, err
	}
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("soa: decode decision: %w", err)
	}
	return &d, nil
}

// DecodeObligation reads one [Obligation] as JSON and validates it.
func DecodeObligation(r io.Reader) (*Obligation, error) {
	var o Obligation
	if err := decodeStrict(r, &o); err != nil {
		return nil, err
	}
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("soa: decode obligation: %w", err)
	}
	return &o, nil
}

func decodeStrict(r io.Reader, v any) error {
	raw, err := io.ReadAll(io.LimitReader(r, maxDocumentSize+1))
	if err != nil {
		return fmt.Errorf("soa: decode: %w", err)
	}
	if len(raw) > maxDocumentSize {
		return fmt.Errorf("soa: decode: %w", aims.Invalid("", fmt.Sprintf("document larger than %d bytes", maxDocumentSize)))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			path := te.Field
			if path == "" {
				path = "(document)"
			}
			return fmt.Errorf("soa: decode: %w", aims.Invalid(path, fmt.Sprintf("cannot use JSON %s as %s", te.Value, te.Type)))
		}
		if msg, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return fmt.Errorf("soa: decode: %w", aims.Invalid(strings.Trim(msg, `"`), "unknown field"))
		}
		return fmt.Errorf("soa: decode: %w: %w", aims.ErrInvalid, err)
	}
	if dec.More() {
		return fmt.Errorf("soa: decode: %w", aims.Invalid("", "trailing data after the JSON value"))
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err != io.EOF {
		return fmt.Errorf("soa: decode: %w", aims.Invalid("", "trailing data after the JSON value"))
	}
	return nil
}

// JSONSchema returns the JSON Schema (draft 2020-12) of the format
// [Encode] writes, for editors and other tools.
func JSONSchema() ([]byte, error) {
	r := &jsonschema.Reflector{}
	s := r.Reflect(&SoA{})
	s.ID = "https://github.com/aimsgo/iso42001/schemas/soa.json"
	s.Title = "ISO/IEC 42001 Statement of Applicability"
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("soa: schema: %w", err)
	}
	return append(out, '\n'), nil
}
