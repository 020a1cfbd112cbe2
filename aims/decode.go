package aims

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

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
	if err := problemsOf(strictjson.Tidy(p, true)); err != nil {
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
		return Invalid(te.Field, fmt.Sprintf("must be %s, got JSON %s", strictjson.DescribeType(te.Type), te.Value))
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
	return problemsOf(res)
}

// problemsOf returns res's problems as a [*ValidationError], or nil.
func problemsOf(res strictjson.Result) error {
	var p Problems
	for _, q := range res.Problems {
		p.Add(q.Path, q.Rule)
	}
	p.omitted += res.Omitted
	return p.Err()
}
