package aims

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// maxDecodeProblems bounds the problems one Decode reports, so that a huge
// hostile input cannot make a huge error.
const maxDecodeProblems = 100

// Decode parses data as one document of type T, strictly, then validates
// it. Strict means what a hand-edited manifest needs: exactly one JSON
// object and nothing after it; field names matched exactly (encoding/json
// alone would accept "NAME" for "name"); no unknown fields; no duplicate
// keys (which encoding/json silently resolves to the last); values of the
// right JSON type; times in RFC 3339. Every such problem is reported at
// once in a [*ValidationError] with its field path, such as
// "requirements[2].txt: unknown field"; a structurally sound document is
// then validated, and Validate's problems are returned the same way.
func Decode[T any, P Doc[T]](data []byte) (P, error) {
	if err := checkJSON(data, reflect.TypeFor[T]()); err != nil {
		return nil, err
	}
	var v T
	p := P(&v)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		return nil, jsonProblem(err)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// jsonProblem maps an encoding/json error that checkJSON did not foresee
// to a problem with a path where the error names one.
func jsonProblem(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return Invalid(te.Field, fmt.Sprintf("must be %s, got JSON %s", describeType(te.Type), te.Value))
	}
	return Invalid("", err.Error())
}

// checkJSON walks data's tokens alongside type t and reports every
// structural problem with its path.
func checkJSON(data []byte, t reflect.Type) error {
	w := &jsonWalker{dec: json.NewDecoder(bytes.NewReader(data))}
	w.dec.UseNumber()
	if err := w.value(t, ""); err != nil {
		if errors.Is(err, io.EOF) && !w.started {
			return Invalid("", "empty input: expected a JSON object")
		}
		return w.syntax(err)
	}
	if _, err := w.dec.Token(); err != io.EOF {
		w.p.Add("", "unexpected data after the JSON object")
	}
	return w.p.Err()
}

type jsonWalker struct {
	dec     *json.Decoder
	p       Problems
	path    string // where the last token was read, for syntax errors
	started bool   // a first token was read
	fields  map[reflect.Type]map[string]reflect.Type
}

func (w *jsonWalker) add(path, rule string) {
	if w.p.Len() < maxDecodeProblems {
		w.p.Add(path, rule)
	}
}

func (w *jsonWalker) syntax(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return Invalid(w.path, fmt.Sprintf("malformed JSON at byte %d: %v", se.Offset, se))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return Invalid(w.path, "malformed JSON: unexpected end of input")
	}
	return Invalid(w.path, "malformed JSON: "+err.Error())
}

var (
	timeType            = reflect.TypeFor[time.Time]()
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// value reads one JSON value at path and checks it against t; a nil t
// accepts any value (unknown fields, interfaces, custom unmarshalers).
// It returns only errors that stop the walk (malformed JSON).
func (w *jsonWalker) value(t reflect.Type, path string) error {
	w.path = path
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	w.started = true
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && t != timeType && t.Kind() != reflect.String &&
		(reflect.PointerTo(t).Implements(jsonUnmarshalerType) || t.Kind() == reflect.Interface) {
		t = nil // decoded by its own rules; encoding/json reports its errors
	}
	switch tok := tok.(type) {
	case nil:
		return nil // null leaves the zero value, as encoding/json does
	case json.Delim:
		switch tok {
		case '{':
			return w.object(t, path)
		case '[':
			return w.array(t, path)
		}
		return fmt.Errorf("unexpected %q", tok) // unreachable: Token reports it as a syntax error
	case string:
		w.checkString(t, path, tok)
	case json.Number:
		w.checkNumber(t, path, tok)
	case bool:
		if t != nil && t.Kind() != reflect.Bool {
			w.add(path, fmt.Sprintf("must be %s, got a boolean", describeType(t)))
		}
	}
	return nil
}

func (w *jsonWalker) checkString(t reflect.Type, path, s string) {
	switch {
	case t == nil:
	case t == timeType:
		quoted, _ := json.Marshal(s)
		var tm time.Time
		if err := tm.UnmarshalJSON(quoted); err != nil {
			w.add(path, fmt.Sprintf("must be an RFC 3339 time such as 2024-05-01T00:00:00Z, got %q", truncate(s)))
		}
	case t.Kind() == reflect.String:
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		// []byte is base64 text; encoding/json checks the encoding.
	case reflect.PointerTo(t).Implements(textUnmarshalerType):
	default:
		w.add(path, fmt.Sprintf("must be %s, got a string", describeType(t)))
	}
}

func (w *jsonWalker) checkNumber(t reflect.Type, path string, n json.Number) {
	if t == nil {
		return
	}
	s := n.String()
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if _, err := strconv.ParseInt(s, 10, t.Bits()); err != nil {
			lo, hi := int64(-1)<<(t.Bits()-1), int64(1)<<(t.Bits()-1)-1
			w.add(path, fmt.Sprintf("must be an integer between %d and %d, got %s", lo, hi, truncate(s)))
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if _, err := strconv.ParseUint(s, 10, t.Bits()); err != nil {
			w.add(path, fmt.Sprintf("must be an integer between 0 and %d, got %s", uint64(math.MaxUint64)>>(64-t.Bits()), truncate(s)))
		}
	case reflect.Float32, reflect.Float64:
		if _, err := strconv.ParseFloat(s, t.Bits()); err != nil {
			w.add(path, fmt.Sprintf("must be a number within the range of a %d-bit float, got %s", t.Bits(), truncate(s)))
		}
	default:
		w.add(path, fmt.Sprintf("must be %s, got a number", describeType(t)))
	}
}

func (w *jsonWalker) object(t reflect.Type, path string) error {
	var fields map[string]reflect.Type
	elem := t
	switch {
	case t == nil:
	case t.Kind() == reflect.Struct:
		if fields = w.fields[t]; fields == nil {
			fields = jsonFields(t)
			if w.fields == nil {
				w.fields = map[reflect.Type]map[string]reflect.Type{}
			}
			w.fields[t] = fields
		}
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String:
		elem = t.Elem()
	default:
		w.add(path, fmt.Sprintf("must be %s, got an object", describeType(t)))
		t, elem = nil, nil
	}
	seen := map[string]bool{}
	for w.dec.More() {
		w.path = path
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string) // object keys are always strings
		kpath := joinPath(path, key)
		if seen[key] {
			w.add(kpath, "duplicate key")
		}
		seen[key] = true
		ft := elem
		if fields != nil {
			var ok bool
			if ft, ok = fields[key]; !ok {
				w.add(kpath, "unknown field")
			}
		}
		if err := w.value(ft, kpath); err != nil {
			return err
		}
	}
	w.path = path
	_, err := w.dec.Token() // '}'
	return err
}

func (w *jsonWalker) array(t reflect.Type, path string) error {
	var elem reflect.Type
	switch {
	case t == nil:
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		elem = t.Elem()
	default:
		w.add(path, fmt.Sprintf("must be %s, got an array", describeType(t)))
	}
	for i := 0; w.dec.More(); i++ {
		if err := w.value(elem, fmt.Sprintf("%s[%d]", path, i)); err != nil {
			return err
		}
	}
	w.path = path
	_, err := w.dec.Token() // ']'
	return err
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// jsonFields returns the JSON field names of struct t with their types,
// embedded structs promoted; a shallower field hides a deeper one of the
// same name, as in encoding/json.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	level := []reflect.Type{t}
	for depth := 0; len(level) > 0 && depth < 8; depth++ {
		var next []reflect.Type
		found := map[string]reflect.Type{}
		for _, st := range level {
			for i := 0; i < st.NumField(); i++ {
				f := st.Field(i)
				tag := f.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, _, _ := strings.Cut(tag, ",")
				ft := f.Type
				if f.Anonymous && name == "" {
					if ft.Kind() == reflect.Pointer {
						ft = ft.Elem()
					}
					if ft.Kind() == reflect.Struct {
						next = append(next, ft)
						continue
					}
				}
				if !f.IsExported() {
					continue
				}
				if name == "" {
					name = f.Name
				}
				if _, hidden := out[name]; !hidden {
					found[name] = ft
				}
			}
		}
		for k, v := range found {
			out[k] = v
		}
		level = next
	}
	return out
}

// describeType names a Go type in JSON terms for error messages.
func describeType(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	if t == timeType {
		return "an RFC 3339 time string"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Pointer:
		return describeType(t.Elem())
	}
	return "a " + t.Kind().String()
}

// truncate shortens an echoed input value so an error stays readable.
func truncate(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "..."
}
