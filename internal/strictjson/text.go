package strictjson

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// TextRule returns the rule value breaks as text, or "": invalid UTF-8,
// or a control character other than tab, and, unless multiline, no line
// break either (line feed, carriage return, U+2028, U+2029).
func TextRule(value string, multiline bool) string {
	for i, r := range value {
		switch {
		case r == utf8.RuneError:
			if _, n := utf8.DecodeRuneInString(value[i:]); n == 1 {
				return fmt.Sprintf("must be valid UTF-8, got an invalid byte at offset %d", i)
			}
		case r == '\t':
		case multiline && (r == '\n' || r == '\r'):
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029':
			what := "a control character"
			if r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' {
				what = "a line break"
			}
			return fmt.Sprintf("must not contain %s (%U at offset %d)", what, r, i)
		}
	}
	return ""
}

// SingleLine reports whether the JSON field name holds one line of text:
// ids, names and titles.
func SingleLine(name string) bool {
	switch name {
	case "id", "name", "title":
		return true
	}
	return false
}

// Tidy walks a decoded value v (a pointer) and checks every string with
// [TextRule], single-line where [SingleLine] says so, reporting problems
// at their JSON field paths. With dropEmpty it also sets empty slices and
// maps in omitempty fields to nil, the value they encode back to, so a
// decoded value round-trips exactly. Nesting deeper than DefaultMaxDepth
// is not walked (a checked document never has it).
func Tidy(v any, dropEmpty bool) Result {
	w := tidy{drop: dropEmpty}
	w.walk(reflect.ValueOf(v), "")
	return w.res
}

type tidy struct {
	drop   bool
	fields map[reflect.Type][]tidyField
	res    Result
	path   []step // fields and elements walked into
}

// step is a field name, or an index when name is "".
type step struct {
	name  string
	index int
}

func (w *tidy) at() string {
	var b strings.Builder
	for _, e := range w.path {
		switch {
		case e.name == "":
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.index))
			b.WriteByte(']')
		case b.Len() > 0:
			b.WriteByte('.')
			fallthrough
		default:
			b.WriteString(e.name)
		}
	}
	return b.String()
}

func (w *tidy) text(s, name string) {
	if rule := TextRule(s, !SingleLine(name)); rule != "" {
		if len(w.res.Problems) >= MaxProblems {
			w.res.Omitted++
			return
		}
		w.res.Problems = append(w.res.Problems, Problem{Path: w.at(), Rule: rule})
	}
}

func (w *tidy) walk(v reflect.Value, name string) {
	if len(w.path) > DefaultMaxDepth {
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
			w.path = append(w.path, step{index: i})
			w.walk(v.Index(i), name)
			w.path = w.path[:len(w.path)-1]
		}
	case reflect.Map:
		if v.Type().Elem().Kind() != reflect.String || v.Type().Key().Kind() != reflect.String {
			return
		}
		for it := v.MapRange(); it.Next(); {
			w.path = append(w.path, step{name: it.Key().String()})
			w.text(it.Value().String(), "")
			w.path = w.path[:len(w.path)-1]
		}
	case reflect.Struct:
		if v.Type() == timeType {
			return
		}
		for _, f := range w.fieldsOf(v.Type()) {
			fv := v.Field(f.index)
			if f.embedded {
				w.walk(fv, "")
				continue
			}
			if w.drop && f.omitEmpty && fv.Len() == 0 && !fv.IsNil() && fv.CanSet() {
				fv.SetZero()
				continue
			}
			w.path = append(w.path, step{name: f.name})
			w.walk(fv, f.name)
			w.path = w.path[:len(w.path)-1]
		}
	}
}

// tidyField is a struct field the walk visits.
type tidyField struct {
	index     int
	name      string
	embedded  bool // an embedded struct without a tag: its fields are promoted
	omitEmpty bool // a slice or map tagged omitempty
}

// fieldsOf lists the fields of struct t that can hold text or empty
// lists, once per type.
func (w *tidy) fieldsOf(t reflect.Type) []tidyField {
	if fs, ok := w.fields[t]; ok {
		return fs
	}
	var fs []tidyField
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		switch f.Type.Kind() {
		case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
			reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.Func, reflect.Chan:
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			fs = append(fs, tidyField{index: i, embedded: true})
			continue
		}
		if name == "" {
			name = f.Name
		}
		k := f.Type.Kind()
		fs = append(fs, tidyField{index: i, name: name,
			omitEmpty: (k == reflect.Slice || k == reflect.Map) && strings.Contains(","+opts+",", ",omitempty,")})
	}
	if w.fields == nil {
		w.fields = map[reflect.Type][]tidyField{}
	}
	w.fields[t] = fs
	return fs
}
