// Package strictjson checks a JSON document against a Go type in one
// cheap pass before anything expensive happens to it: size, nesting depth
// and value count are bounded; duplicate keys, invalid UTF-8, unknown
// fields and values of the wrong JSON type are reported with their field
// paths ("controls[3].title: invalid UTF-8"). Only a document that passes
// is handed to encoding/json, whose own decoding then cannot be made to
// explode by the input's shape.
//
// The pass reads the bytes directly (no tokens, no reflection per value),
// allocates only for the field paths of the problems it reports, and
// builds no values.
package strictjson

import (
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Defaults for the zero fields of [Limits].
const (
	DefaultMaxBytes  = 8 << 20
	DefaultMaxDepth  = 64
	DefaultMaxValues = 200_000
)

// MaxProblems bounds the problems one [Check] returns; the rest are only
// counted in [Result.Omitted].
const MaxProblems = 100

// Limits bound what [Check] accepts. A zero field takes its default.
type Limits struct {
	// MaxBytes bounds the input's length.
	MaxBytes int
	// MaxDepth bounds how deeply objects and arrays nest; a top-level
	// object is depth 1.
	MaxDepth int
	// MaxValues bounds the number of JSON values (objects, arrays, strings,
	// numbers, booleans and nulls, object keys not counted).
	MaxValues int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxValues <= 0 {
		l.MaxValues = DefaultMaxValues
	}
	return l
}

// Problem is one broken rule at a field path, in the style of
// aims.Problem: "requirements[2].txt" and "unknown field".
type Problem struct {
	Path string
	Rule string
}

// Result is what [Check] found. A document may be decoded only when
// Problems is empty.
type Result struct {
	// Problems lists at most [MaxProblems] problems, in document order.
	Problems []Problem
	// Omitted counts the problems found beyond MaxProblems.
	Omitted int
	// Stopped reports that the pass ended early: the input is malformed or
	// broke a limit, and the last problem says which.
	Stopped bool
}

// OK reports whether the document passed.
func (r Result) OK() bool { return len(r.Problems) == 0 && r.Omitted == 0 }

// Check reads data as one JSON value of type t and reports every problem
// it finds. A nil t accepts any well-formed JSON (limits, duplicate keys
// and UTF-8 are still checked). Field names must match their json tags
// exactly (encoding/json alone would accept "NAME" for "name"); values
// must have the JSON type the Go type needs; times must be RFC 3339; types
// with their own UnmarshalJSON and interface values are checked only for
// the generic rules. Check never panics and does not keep data.
func Check(data []byte, t reflect.Type, lim Limits) Result {
	s := &scanner{data: data, lim: lim.withDefaults()}
	s.run(t)
	return s.res
}

var (
	timeType            = reflect.TypeFor[time.Time]()
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// stop is the panic-free signal that ends the pass; it is returned, never
// thrown.
type stop struct{}

func (stop) Error() string { return "stop" }

type frame struct {
	key   []byte // object member being read; nil in arrays
	index int    // array element being read
	inArr bool
}

type scanner struct {
	data   []byte
	pos    int
	lim    Limits
	values int
	depth  int
	res    Result
	stack  []frame
	fields map[reflect.Type]map[string]reflect.Type
	keys   [][][]byte // keys seen, per depth, reused
	topObj bool
}

func (s *scanner) run(t reflect.Type) {
	if len(s.data) > s.lim.MaxBytes {
		s.fatal(fmt.Sprintf("input is %d bytes, more than the limit of %d", len(s.data), s.lim.MaxBytes))
		return
	}
	s.skipSpace()
	if s.pos == len(s.data) {
		what := "a JSON value"
		if k := deref(t); k != nil && (k.Kind() == reflect.Struct || k.Kind() == reflect.Map) {
			what = "a JSON object"
		}
		s.fatal("empty input: expected " + what)
		return
	}
	s.topObj = s.data[s.pos] == '{'
	if s.value(t) != nil {
		return
	}
	s.skipSpace()
	if s.pos < len(s.data) {
		if s.topObj {
			s.add("unexpected data after the JSON object")
		} else {
			s.add("unexpected data after the JSON value")
		}
	}
}

// path renders the current field path.
func (s *scanner) path() string {
	var b strings.Builder
	for _, f := range s.stack {
		if f.inArr {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(f.index))
			b.WriteByte(']')
			continue
		}
		if f.key == nil {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.Write(f.key)
	}
	return b.String()
}

func (s *scanner) add(rule string) {
	if len(s.res.Problems) >= MaxProblems {
		s.res.Omitted++
		return
	}
	s.res.Problems = append(s.res.Problems, Problem{Path: s.path(), Rule: rule})
}

func (s *scanner) fatal(rule string) error {
	s.res.Stopped = true
	if len(s.res.Problems) >= MaxProblems {
		// The reason the pass stopped matters more than the 100th
		// detail; make room for it.
		s.res.Problems = s.res.Problems[:MaxProblems-1]
		s.res.Omitted++
	}
	s.res.Problems = append(s.res.Problems, Problem{Path: s.path(), Rule: rule})
	return stop{}
}

// syntax reports malformed JSON at the current position, in encoding/json's
// words where it has them.
func (s *scanner) syntax() error {
	if s.pos >= len(s.data) {
		return s.fatal("malformed JSON: unexpected end of input")
	}
	var raw json.RawMessage
	if err, ok := json.Unmarshal(s.data, &raw).(*json.SyntaxError); ok {
		return s.fatal(fmt.Sprintf("malformed JSON at byte %d: %v", err.Offset, err))
	}
	return s.fatal(fmt.Sprintf("malformed JSON at byte %d: invalid character %s", s.pos, strconv.QuoteRune(rune(s.data[s.pos]))))
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// checked returns the type to check a value against: nil for any value,
// and for types that decode by their own rules.
func checked(t reflect.Type) reflect.Type {
	t = deref(t)
	if t != nil && t != timeType && t.Kind() != reflect.String &&
		(reflect.PointerTo(t).Implements(jsonUnmarshalerType) || t.Kind() == reflect.Interface) {
		return nil
	}
	return t
}

func (s *scanner) value(t reflect.Type) error {
	s.values++
	if s.values > s.lim.MaxValues {
		return s.fatal(fmt.Sprintf("input has more than %d values", s.lim.MaxValues))
	}
	t = checked(t)
	s.skipSpace()
	if s.pos >= len(s.data) {
		return s.syntax()
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		return s.object(t)
	case c == '[':
		return s.array(t)
	case c == '"':
		raw, esc, err := s.str()
		if err != nil {
			return err
		}
		s.checkString(t, raw, esc)
	case c == '-' || (c >= '0' && c <= '9'):
		start := s.pos
		if err := s.number(); err != nil {
			return err
		}
		s.checkNumber(t, s.data[start:s.pos])
	case c == 't':
		if err := s.literal("true"); err != nil {
			return err
		}
		s.checkBool(t)
	case c == 'f':
		if err := s.literal("false"); err != nil {
			return err
		}
		s.checkBool(t)
	case c == 'n':
		return s.literal("null") // null leaves the zero value, as in encoding/json
	default:
		return s.syntax()
	}
	return nil
}

func (s *scanner) literal(lit string) error {
	n := min(len(lit), len(s.data)-s.pos)
	if string(s.data[s.pos:s.pos+n]) != lit[:n] {
		return s.syntax()
	}
	if n < len(lit) {
		s.pos = len(s.data)
		return s.syntax()
	}
	s.pos += n
	return nil
}

func (s *scanner) checkBool(t reflect.Type) {
	if t != nil && t.Kind() != reflect.Bool {
		s.add(fmt.Sprintf("must be %s, got a boolean", DescribeType(t)))
	}
}

// str reads a string at pos, checking its escapes and UTF-8; it returns
// the bytes between the quotes and whether they hold escapes.
func (s *scanner) str() (raw []byte, escaped bool, err error) {
	s.pos++ // opening quote
	start := s.pos
	badUTF8, badEscape := false, ""
	for {
		if s.pos >= len(s.data) {
			return nil, false, s.syntax()
		}
		c := s.data[s.pos]
		switch {
		case c == '"':
			raw = s.data[start:s.pos]
			s.pos++
			if badUTF8 {
				s.add("invalid UTF-8")
			} else if badEscape != "" {
				s.add("invalid UTF-16 escape " + badEscape + " (an unpaired surrogate)")
			}
			return raw, escaped, nil
		case c == '\\':
			escaped = true
			if s.pos+1 >= len(s.data) {
				s.pos = len(s.data)
				return nil, false, s.syntax()
			}
			switch s.data[s.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.pos += 2
			case 'u':
				r, ok := s.hex4(s.pos + 2)
				if !ok {
					s.pos += 2
					return nil, false, s.syntax()
				}
				s.pos += 6
				if utf16.IsSurrogate(r) {
					r2, ok2 := rune(0), false
					if r < 0xdc00 && s.pos+1 < len(s.data) && s.data[s.pos] == '\\' && s.data[s.pos+1] == 'u' {
						r2, ok2 = s.hex4(s.pos + 2)
					}
					if ok2 && utf16.DecodeRune(r, r2) != utf8.RuneError {
						s.pos += 6
					} else if badEscape == "" {
						badEscape = fmt.Sprintf(`\u%04x`, r)
					}
				}
			default:
				s.pos++
				return nil, false, s.syntax()
			}
		case c < 0x20:
			return nil, false, s.syntax()
		case c < utf8.RuneSelf:
			s.pos++
		default:
			r, n := utf8.DecodeRune(s.data[s.pos:])
			if r == utf8.RuneError && n == 1 {
				badUTF8 = true
			}
			s.pos += n
		}
	}
}

func (s *scanner) hex4(at int) (rune, bool) {
	if at+4 > len(s.data) {
		s.pos = len(s.data)
		return 0, false
	}
	var r rune
	for _, c := range s.data[at : at+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// unquote decodes the escapes of a string the scanner accepted.
func unquote(raw []byte) string {
	q := make([]byte, 0, len(raw)+2)
	q = append(q, '"')
	q = append(q, raw...)
	q = append(q, '"')
	var out string
	if json.Unmarshal(q, &out) != nil {
		return string(raw)
	}
	return out
}

func (s *scanner) number() error {
	d := s.data
	if d[s.pos] == '-' {
		s.pos++
	}
	digits := func() bool {
		start := s.pos
		for s.pos < len(d) && d[s.pos] >= '0' && d[s.pos] <= '9' {
			s.pos++
		}
		return s.pos > start
	}
	switch {
	case s.pos >= len(d):
		return s.syntax()
	case d[s.pos] == '0':
		s.pos++
	case d[s.pos] >= '1' && d[s.pos] <= '9':
		digits()
	default:
		return s.syntax()
	}
	if s.pos < len(d) && d[s.pos] == '.' {
		s.pos++
		if !digits() {
			return s.syntax()
		}
	}
	if s.pos < len(d) && (d[s.pos] == 'e' || d[s.pos] == 'E') {
		s.pos++
		if s.pos < len(d) && (d[s.pos] == '+' || d[s.pos] == '-') {
			s.pos++
		}
		if !digits() {
			return s.syntax()
		}
	}
	return nil
}

func (s *scanner) enter() error {
	s.depth++
	if s.depth > s.lim.MaxDepth {
		return s.fatal(fmt.Sprintf("input nests deeper than %d levels", s.lim.MaxDepth))
	}
	return nil
}

func (s *scanner) object(t reflect.Type) error {
	if err := s.enter(); err != nil {
		return err
	}
	var fields map[string]reflect.Type
	elem := t
	switch {
	case t == nil:
	case t.Kind() == reflect.Struct:
		fields = s.fieldsOf(t)
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String:
		elem = t.Elem()
	default:
		s.add(fmt.Sprintf("must be %s, got an object", DescribeType(t)))
		elem = nil
	}
	s.pos++ // '{'
	for len(s.keys) < s.depth {
		s.keys = append(s.keys, nil)
	}
	seen := s.keys[s.depth-1][:0]
	var seenSet map[string]struct{}
	s.stack = append(s.stack, frame{})
	fi := len(s.stack) - 1
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		s.stack = s.stack[:fi]
		s.depth--
		return nil
	}
	for {
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != '"' {
			s.stack[fi].key = nil
			return s.syntax()
		}
		s.stack[fi].key = nil // a bad key is reported at the object
		raw, esc, err := s.str()
		if err != nil {
			return err
		}
		key := raw
		if esc {
			key = []byte(unquote(raw))
		}
		s.stack[fi].key = key
		// Duplicates: a linear scan while the object is small, a set
		// after, so a many-key object costs linear time.
		dup := false
		if seenSet == nil {
			for _, k := range seen {
				if string(k) == string(key) {
					dup = true
					break
				}
			}
			seen = append(seen, key)
			if len(seen) > 16 {
				seenSet = make(map[string]struct{}, 64)
				for _, k := range seen {
					seenSet[string(k)] = struct{}{}
				}
			}
		} else {
			if _, dup = seenSet[string(key)]; !dup {
				seenSet[string(key)] = struct{}{}
			}
		}
		if dup {
			s.add("duplicate key")
		}
		ft := elem
		if fields != nil {
			var ok bool
			if ft, ok = fields[string(key)]; !ok {
				s.add("unknown field")
			}
		}
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return s.syntax()
		}
		s.pos++
		if err := s.value(ft); err != nil {
			return err
		}
		s.skipSpace()
		if s.pos >= len(s.data) {
			s.stack[fi].key = nil
			return s.syntax()
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
			continue
		case '}':
			s.pos++
			s.keys[s.depth-1] = seen[:0]
			s.stack = s.stack[:fi]
			s.depth--
			return nil
		}
		s.stack[fi].key = nil
		return s.syntax()
	}
}

func (s *scanner) array(t reflect.Type) error {
	if err := s.enter(); err != nil {
		return err
	}
	var elem reflect.Type
	switch {
	case t == nil:
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		elem = t.Elem()
	default:
		s.add(fmt.Sprintf("must be %s, got an array", DescribeType(t)))
	}
	s.pos++ // '['
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		s.depth--
		return nil
	}
	s.stack = append(s.stack, frame{inArr: true})
	fi := len(s.stack) - 1
	for i := 0; ; i++ {
		s.stack[fi].index = i
		if err := s.value(elem); err != nil {
			return err
		}
		s.skipSpace()
		if s.pos >= len(s.data) {
			s.stack = s.stack[:fi]
			return s.syntax()
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
			continue
		case ']':
			s.pos++
			s.stack = s.stack[:fi]
			s.depth--
			return nil
		}
		s.stack = s.stack[:fi]
		return s.syntax()
	}
}

func (s *scanner) checkString(t reflect.Type, raw []byte, escaped bool) {
	switch {
	case t == nil:
	case t == timeType:
		text := raw
		if escaped {
			text = []byte(unquote(raw))
		}
		var tm time.Time
		if err := tm.UnmarshalText(text); err != nil {
			s.add(fmt.Sprintf("must be an RFC 3339 time such as 2024-05-01T00:00:00Z, got %q", Truncate(string(text))))
		}
	case t.Kind() == reflect.String:
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		// []byte is base64 text; encoding/json checks the encoding.
	case reflect.PointerTo(t).Implements(textUnmarshalerType):
	default:
		s.add(fmt.Sprintf("must be %s, got a string", DescribeType(t)))
	}
}

func (s *scanner) checkNumber(t reflect.Type, raw []byte) {
	if t == nil {
		// Untyped, encoding/json makes it a float64 and refuses one out of
		// its range: say so here, with the path.
		if _, err := strconv.ParseFloat(string(raw), 64); err != nil {
			s.add(fmt.Sprintf("must be a number within the range of a 64-bit float, got %s", Truncate(string(raw))))
		}
		return
	}
	// string(raw) in the calls does not escape, so a valid number costs
	// no allocation; only a problem's message copies it.
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if _, err := strconv.ParseInt(string(raw), 10, t.Bits()); err != nil {
			lo, hi := int64(-1)<<(t.Bits()-1), int64(1)<<(t.Bits()-1)-1
			s.add(fmt.Sprintf("must be an integer between %d and %d, got %s", lo, hi, Truncate(string(raw))))
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if _, err := strconv.ParseUint(string(raw), 10, t.Bits()); err != nil {
			s.add(fmt.Sprintf("must be an integer between 0 and %d, got %s", uint64(math.MaxUint64)>>(64-t.Bits()), Truncate(string(raw))))
		}
	case reflect.Float32, reflect.Float64:
		if _, err := strconv.ParseFloat(string(raw), t.Bits()); err != nil {
			s.add(fmt.Sprintf("must be a number within the range of a %d-bit float, got %s", t.Bits(), Truncate(string(raw))))
		}
	default:
		s.add(fmt.Sprintf("must be %s, got a number", DescribeType(t)))
	}
}

func (s *scanner) fieldsOf(t reflect.Type) map[string]reflect.Type {
	if f, ok := s.fields[t]; ok {
		return f
	}
	if s.fields == nil {
		s.fields = map[reflect.Type]map[string]reflect.Type{}
	}
	f := Fields(t)
	s.fields[t] = f
	return f
}

// Fields returns the JSON member names of struct t with their types,
// embedded structs promoted; a shallower field hides a deeper one of the
// same name, as in encoding/json.
func Fields(t reflect.Type) map[string]reflect.Type {
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

// DescribeType names a Go type in JSON terms for error messages ("an
// integer", "an RFC 3339 time string").
func DescribeType(t reflect.Type) string {
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
		return DescribeType(t.Elem())
	}
	return "a " + t.Kind().String()
}

// Truncate shortens an echoed input value so an error stays readable.
func Truncate(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "..."
}

// Unmarshal checks data against v's type with [Check] and, only when it
// passes, decodes it into v with encoding/json (unknown fields refused).
// It returns what Check found; err is a failure of encoding/json on a
// document Check passed (a custom UnmarshalJSON refusing its value, or a
// base64 or number encoding encoding/json refuses).
func Unmarshal(data []byte, v any, lim Limits) (res Result, err error) {
	res = Check(data, reflect.TypeOf(v), lim)
	if !res.OK() {
		return res, nil
	}
	// Check has refused unknown fields (and names matched only up to
	// case), so plain Unmarshal decodes the same value without the copy
	// a json.Decoder makes.
	return res, json.Unmarshal(data, v)
}
