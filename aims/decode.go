package aims

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/internal/strictjson"
)

// Limits of [Decode]. A record is a document a person or a tool writes;
// the limits keep a hostile one from exhausting memory or time, and are
// checked in one cheap pass over the bytes before anything is decoded.
const (
	// MaxDecodeBytes bounds the length of a document.
	MaxDecodeBytes = 8 << 20
	// MaxDecodeDepth bounds how deeply objects and arrays nest.
	MaxDecodeDepth = 64
	// MaxDecodeValues bounds the number of JSON values in a document.
	MaxDecodeValues = 200_000
)

// Decode parses data as one document of type T, strictly, then validates
// it. Strict means what a hand-edited manifest needs: exactly one JSON
// object and nothing after it; field names matched exactly (encoding/json
// alone would accept "NAME" for "name"); no unknown fields; no duplicate
// keys (which encoding/json silently resolves to the last); valid UTF-8
// (which encoding/json silently rewrites to U+FFFD); values of the right
// JSON type; times in RFC 3339; no more than [MaxDecodeBytes] bytes,
// [MaxDecodeDepth] levels of nesting and [MaxDecodeValues] values. Every
// such problem is reported at once in a [*ValidationError] with its field
// path, such as "requirements[2].txt: unknown field"; a structurally
// sound document is then decoded and validated, and Validate's problems
// are returned the same way.
//
// Text is checked too: no string may hold a control character other than
// tab and line breaks, and ids, names and titles (fields named "id",
// "name" or "title") must be one line; see [Problems.Line].
//
// An empty list or object in a field tagged omitempty decodes as nil, the
// value it encodes back to, so a decoded record round-trips exactly.
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
	var w tidy
	w.walk(reflect.ValueOf(p).Elem(), "")
	if err := w.p.Err(); err != nil {
		return nil, err
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

// checkJSON checks data against type t in one bounded pass and reports
// every structural problem with its path.
func checkJSON(data []byte, t reflect.Type) error {
	res := strictjson.Check(data, t, strictjson.Limits{
		MaxBytes: MaxDecodeBytes, MaxDepth: MaxDecodeDepth, MaxValues: MaxDecodeValues})
	if res.OK() {
		return nil
	}
	var p Problems
	for _, q := range res.Problems {
		p.Add(q.Path, q.Rule)
	}
	p.omitted += res.Omitted
	return p.Err()
}

// singleLine names the JSON fields Decode holds to one line of text.
var singleLine = map[string]bool{"id": true, "name": true, "title": true}

// tidy walks a decoded value: it sets empty slices and maps in omitempty
// fields to nil (through nested structs, pointers and slices), and checks
// every string with [Problems.Text], and with [Problems.Line] when its
// field is an id, a name or a title.
type tidy struct {
	p    Problems
	path []string // JSON names and "[i]" of the fields walked into
}

func (w *tidy) at() string {
	var b strings.Builder
	for _, e := range w.path {
		if b.Len() > 0 && e[0] != '[' {
			b.WriteByte('.')
		}
		b.WriteString(e)
	}
	return b.String()
}

func (w *tidy) text(s, name string) {
	rule := textRule(s, !singleLine[name])
	if rule != "" {
		w.p.Add(w.at(), rule)
	}
}

func (w *tidy) walk(v reflect.Value, name string) {
	if len(w.path) > MaxDecodeDepth {
		return
	}
	switch v.Kind() {
	case reflect.String:
		w.text(v.String(), name)
	case reflect.Pointer:
		if !v.IsNil() {
			w.walk(v.Elem(), name)
		}
	case reflect.Slice, reflect.Array:
		switch v.Type().Elem().Kind() {
		case reflect.Struct, reflect.Pointer, reflect.Slice, reflect.String:
		default:
			return
		}
		for i := range v.Len() {
			w.path = append(w.path, "["+strconv.Itoa(i)+"]")
			w.walk(v.Index(i), name)
			w.path = w.path[:len(w.path)-1]
		}
	case reflect.Map:
		if v.Type().Elem().Kind() != reflect.String {
			return
		}
		for it := v.MapRange(); it.Next(); {
			w.path = append(w.path, it.Key().String())
			w.text(it.Value().String(), "")
			w.path = w.path[:len(w.path)-1]
		}
	case reflect.Struct:
		if v.Type() == timeType {
			return
		}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			fname, opts, _ := strings.Cut(tag, ",")
			if fname == "" {
				fname = f.Name
			}
			fv := v.Field(i)
			if f.Anonymous && f.Tag.Get("json") == "" {
				w.walk(fv, "")
				continue
			}
			if (fv.Kind() == reflect.Slice || fv.Kind() == reflect.Map) && fv.Len() == 0 && !fv.IsNil() &&
				strings.Contains(","+opts+",", ",omitempty,") && fv.CanSet() {
				fv.SetZero()
				continue
			}
			w.path = append(w.path, fname)
			w.walk(fv, fname)
			w.path = w.path[:len(w.path)-1]
		}
	}
}

var timeType = reflect.TypeFor[time.Time]()

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
