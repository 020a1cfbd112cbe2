package impact

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/invopop/jsonschema"
)

// ValueKind is the type of an answer [Value].
type ValueKind uint8

// Value kinds. The zero kind is [ValueNone], the zero Value's kind: no
// answer.
const (
	// ValueNone is the kind of the zero Value, which answers nothing.
	ValueNone ValueKind = iota
	// ValueBool answers a yes-no question: JSON true or false.
	ValueBool
	// ValueNumber answers a number question: a finite JSON number.
	ValueNumber
	// ValueText answers a text or single-choice question: a JSON string
	// (for a choice, the choice's id).
	ValueText
	// ValueList answers a multiple-choice question: a JSON array of choice
	// ids.
	ValueList
)

// String names the kind as the error messages do.
func (k ValueKind) String() string {
	switch k {
	case ValueBool:
		return "yes/no"
	case ValueNumber:
		return "number"
	case ValueText:
		return "text"
	case ValueList:
		return "list"
	}
	return "none"
}

// Value is one answer, or one operand of a [Condition]: a yes/no, a number,
// a text (or a single choice's id) or a list of choice ids. It is a small
// value type rather than an any so that evaluating a questionnaire compares
// typed fields instead of type-switching on interfaces, and so that its
// JSON form is exactly the form an answers file uses.
type Value struct {
	kind ValueKind
	b    bool
	n    float64
	s    string
	l    []string
}

// BoolValue returns a yes/no answer.
func BoolValue(b bool) Value { return Value{kind: ValueBool, b: b} }

// NumberValue returns a number answer. Non-finite numbers are refused when
// answers are validated.
func NumberValue(n float64) Value { return Value{kind: ValueNumber, n: n} }

// TextValue returns a text answer, or a single choice's id.
func TextValue(s string) Value { return Value{kind: ValueText, s: s} }

// ListValue returns a multiple-choice answer holding the ids given. The
// slice is copied.
func ListValue(ids ...string) Value {
	return Value{kind: ValueList, l: append([]string{}, ids...)}
}

// Kind returns the value's kind.
func (v Value) Kind() ValueKind { return v.kind }

// IsZero reports whether v is the zero Value (no answer).
func (v Value) IsZero() bool { return v.kind == ValueNone }

// Bool returns the yes/no answer; false for other kinds.
func (v Value) Bool() bool { return v.kind == ValueBool && v.b }

// Number returns the number answer; 0 for other kinds.
func (v Value) Number() float64 {
	if v.kind != ValueNumber {
		return 0
	}
	return v.n
}

// Text returns the text answer; "" for other kinds.
func (v Value) Text() string {
	if v.kind != ValueText {
		return ""
	}
	return v.s
}

// List returns a copy of the multiple-choice answer; nil for other kinds.
func (v Value) List() []string {
	if v.kind != ValueList {
		return nil
	}
	return slices.Clone(v.l)
}

// Has reports whether a list value holds id.
func (v Value) Has(id string) bool { return v.kind == ValueList && slices.Contains(v.l, id) }

// Equal reports whether v and w are the same answer; lists compare in order.
func (v Value) Equal(w Value) bool {
	if v.kind != w.kind {
		return false
	}
	switch v.kind {
	case ValueBool:
		return v.b == w.b
	case ValueNumber:
		return v.n == w.n
	case ValueText:
		return v.s == w.s
	case ValueList:
		return slices.Equal(v.l, w.l)
	}
	return true
}

// String formats the value for people: "yes"/"no", the number, the text,
// or the list's ids joined by ", ".
func (v Value) String() string {
	switch v.kind {
	case ValueBool:
		if v.b {
			return "yes"
		}
		return "no"
	case ValueNumber:
		return strconv.FormatFloat(v.n, 'g', -1, 64)
	case ValueText:
		return v.s
	case ValueList:
		return strings.Join(v.l, ", ")
	}
	return ""
}

// MarshalJSON writes the value in its natural JSON form. The zero Value is
// null.
func (v Value) MarshalJSON() ([]byte, error) {
	switch v.kind {
	case ValueBool:
		return strconv.AppendBool(nil, v.b), nil
	case ValueNumber:
		if math.IsNaN(v.n) || math.IsInf(v.n, 0) {
			return nil, fmt.Errorf("number %v cannot be written as JSON", v.n)
		}
		return json.Marshal(v.n)
	case ValueText:
		return json.Marshal(v.s)
	case ValueList:
		if v.l == nil {
			return []byte("[]"), nil
		}
		return json.Marshal(v.l)
	}
	return []byte("null"), nil
}

// errValueForm is the rule an undecodable value breaks.
var errValueForm = errors.New("must be true/false, a number, a string or a list of strings")

// UnmarshalJSON reads a value from its natural JSON form. null, objects and
// lists holding anything but strings are refused.
func (v *Value) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return errValueForm
	}
	switch data[0] {
	case 't', 'f':
		var b bool
		if err := json.Unmarshal(data, &b); err != nil {
			return errValueForm
		}
		*v = BoolValue(b)
	case '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return errValueForm
		}
		*v = TextValue(s)
	case '[':
		var l []string
		if err := json.Unmarshal(data, &l); err != nil {
			return fmt.Errorf("a list must hold choice ids (strings) only")
		}
		*v = ListValue(l...)
	case 'n':
		return fmt.Errorf("must not be null")
	case '{':
		return errValueForm
	default:
		var n float64
		if err := json.Unmarshal(data, &n); err != nil {
			return errValueForm
		}
		*v = NumberValue(n)
	}
	return nil
}

// JSONSchema describes a Value for invopop/jsonschema: one of a boolean, a
// number, a string or an array of strings.
func (Value) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{
		Description: "An answer: true/false for yes-no, a number, a string (text or a single choice's id), or an array of choice ids.",
		OneOf: []*jsonschema.Schema{
			{Type: "boolean"},
			{Type: "number"},
			{Type: "string"},
			{Type: "array", Items: &jsonschema.Schema{Type: "string"}},
		},
	}
}
