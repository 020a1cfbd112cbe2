package iso42001

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/internal/strictjson"
	"github.com/aimsgo/iso42001/internal/yamlscan"
)

// Limits of [DecodeManifest], checked before the document is parsed: a
// manifest is a file a person writes, and a larger or deeper one is
// refused rather than allowed to exhaust memory.
const (
	// MaxManifestBytes is the largest manifest accepted, 8 MiB.
	MaxManifestBytes = 8 << 20
	// MaxManifestDepth is the deepest nesting of mappings and lists
	// accepted.
	MaxManifestDepth = 32
	// MaxManifestEntries is the most entries one list or mapping may
	// hold, enough for a register of 20,000 risks; the whole manifest may
	// hold twenty times as many.
	MaxManifestEntries = 25_000
)

// ManifestProblem is one problem of a manifest: where it is and the rule
// it breaks. Line and Column are 1-based; 0 when the place is unknown (a
// manifest built in code, or a field that is missing altogether).
type ManifestProblem struct {
	// File is the name the manifest was decoded under.
	File string `json:"file,omitempty"`
	// Line and Column place the problem's field (its key) in the file.
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
	// Path is the field path, e.g. "risks[3].treatment.controls[0].id".
	Path string `json:"path,omitempty"`
	// Rule is what is wrong, e.g. `unknown control "A.99"`.
	Rule string `json:"rule"`
}

// String formats p as "file:line:column: path: rule", leaving out what
// is unknown.
func (p ManifestProblem) String() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		b.WriteByte(':')
	}
	switch {
	case p.Line > 0 && p.Column > 0:
		fmt.Fprintf(&b, "%d:%d:", p.Line, p.Column)
	case p.Line > 0:
		fmt.Fprintf(&b, "%d:", p.Line)
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Rule)
	return b.String()
}

// ManifestError lists every problem found in a manifest, in the order of
// the file. It matches aims.ErrInvalid under errors.Is.
type ManifestError struct {
	Problems []ManifestProblem
}

// Error returns the problems, one per line.
func (e *ManifestError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Is reports whether target is aims.ErrInvalid.
func (e *ManifestError) Is(target error) bool { return target == aims.ErrInvalid }

// position is a place in the manifest's file.
type position struct{ line, col int }

// source records where a decoded manifest came from: its file name and
// the position of each field path.
type source struct {
	file  string
	paths map[string]position // field path -> position of its key (or item)
	at    map[position]string // token position -> field path
	order map[string]int      // field path -> order in the file
}

// problem returns a ManifestProblem for path, placed at path or, failing
// that, at its nearest ancestor that has a place.
func (s *source) problem(path, rule string) ManifestProblem {
	p := ManifestProblem{Path: path, Rule: rule}
	if s == nil {
		return p
	}
	p.File = s.file
	for q := path; ; {
		if pos, ok := s.paths[q]; ok {
			p.Line, p.Column = pos.line, pos.col
			return p
		}
		i := strings.LastIndexAny(q, ".[")
		if i < 0 {
			if pos, ok := s.paths[""]; ok {
				p.Line, p.Column = pos.line, pos.col
			}
			return p
		}
		q = q[:i]
	}
}

// manifestErr turns a validation error's problems into a ManifestError
// placed in src, sorted by place in the file.
func manifestErr(src *source, err error) error {
	if err == nil {
		return nil
	}
	var ve *aims.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	me := &ManifestError{}
	for _, p := range ve.Problems {
		me.Problems = append(me.Problems, src.problem(p.Path, p.Rule))
	}
	sortProblems(me.Problems)
	return me
}

// sortProblems orders problems by line and column, unplaced ones last,
// keeping the order of equal places.
func sortProblems(ps []ManifestProblem) {
	key := func(p ManifestProblem) (int, int) {
		if p.Line == 0 {
			return 1 << 30, 0
		}
		return p.Line, p.Column
	}
	// insertion sort: problem lists are short and the sort must be stable
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0; j-- {
			l1, c1 := key(ps[j-1])
			l2, c2 := key(ps[j])
			if l1 < l2 || (l1 == l2 && c1 <= c2) {
				break
			}
			ps[j-1], ps[j] = ps[j], ps[j-1]
		}
	}
}

// DecodeManifest reads a manifest from data, YAML or JSON (JSON is read
// as the YAML it also is). name is the file name its problems cite.
//
// Decoding is strict: an unknown field, a value of the wrong type, a key
// given twice, a second document, an anchor, alias or tag, more than
// [MaxManifestBytes] bytes, nesting deeper than [MaxManifestDepth] or a
// list of more than [MaxManifestEntries] entries are errors, the limits
// checked before the document is parsed; so are a wrong apiVersion or kind. Each problem names its
// file:line:column and field path. The error is a [*ManifestError]
// matching aims.ErrInvalid. DecodeManifest checks the form only: call
// [Manifest.Validate] or [AIMS.Plan] for the rules and references.
func DecodeManifest(name string, data []byte) (*Manifest, error) {
	fail := func(line, col int, path, rule string) error {
		return &ManifestError{Problems: []ManifestProblem{{File: name, Line: line, Column: col, Path: path, Rule: rule}}}
	}
	if len(data) > MaxManifestBytes {
		return nil, fail(0, 0, "", fmt.Sprintf("the manifest is %d bytes, more than the limit of %d", len(data), MaxManifestBytes))
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // a byte order mark some editors write
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fail(0, 0, "", "the manifest is empty")
	}
	// The line scan every YAML decoder of the module shares bounds what
	// the parser's time and memory grow with (depth, entries, documents,
	// anchors) before it runs.
	if err := yamlscan.Scan(data, yamlscan.Limits{MaxBytes: MaxManifestBytes, MaxDepth: MaxManifestDepth,
		MaxEntries: MaxManifestEntries, MaxNodes: 20 * MaxManifestEntries}); err != nil {
		var se *yamlscan.Error
		if errors.As(err, &se) {
			return nil, fail(se.Line, 0, "", "the manifest "+se.Rule)
		}
		return nil, fail(0, 0, "", "the manifest "+err.Error())
	}
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		// A duplicate key fails the parse; parse again leniently to learn
		// the field path of the place the error names.
		src := &source{file: name}
		if lenient, lerr := parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey()); lerr == nil && len(lenient.Docs) == 1 {
			src, _ = index(name, lenient.Docs[0].Body)
		}
		return nil, yamlProblem(src, err)
	}
	docs := file.Docs[:0:0]
	for _, d := range file.Docs {
		if d != nil && d.Body != nil {
			docs = append(docs, d)
		}
	}
	switch {
	case len(docs) == 0:
		return nil, fail(0, 0, "", "the manifest is empty")
	case len(docs) > 1:
		tk := docs[1].Start
		if tk == nil {
			tk = docs[1].Body.GetToken()
		}
		return nil, fail(tk.Position.Line, tk.Position.Column, "", "a manifest is one document; found a second one")
	}
	src, err := index(name, docs[0].Body)
	if err != nil {
		return nil, err
	}
	if _, ok := docs[0].Body.(*ast.MappingNode); !ok {
		if _, ok := docs[0].Body.(*ast.MappingValueNode); !ok {
			tk := docs[0].Body.GetToken()
			return nil, fail(tk.Position.Line, tk.Position.Column, "", "a manifest must be a mapping with apiVersion, kind and the AIMS's records")
		}
	}
	m := &Manifest{}
	if err := yaml.NodeToValue(docs[0].Body, m, yaml.DisallowUnknownField(), yaml.UseJSONUnmarshaler()); err != nil {
		return nil, yamlProblem(src, err)
	}
	m.src = src
	var p aims.Problems
	// What the YAML decoder lets pass: a fraction into an integer field,
	// text with control characters. The strict JSON pass every decoder of
	// the module shares checks the first, the text rule the second.
	var generic any
	if err := yaml.NodeToValue(docs[0].Body, &generic); err == nil {
		if jb, err := json.Marshal(generic); err == nil {
			res := strictjson.Check(jb, reflect.TypeFor[Manifest](), strictjson.Limits{MaxBytes: 4 * MaxManifestBytes, MaxDepth: MaxManifestDepth + 1, MaxValues: 1 << 22})
			for _, q := range res.Problems {
				p.Add(q.Path, q.Rule)
			}
		}
	}
	for _, q := range strictjson.Tidy(m, true).Problems {
		p.Add(q.Path, q.Rule)
	}
	if m.APIVersion != ManifestAPIVersion {
		p.Addf("apiVersion", "must be %q, got %q", ManifestAPIVersion, m.APIVersion)
	}
	if m.Kind != ManifestKind {
		p.Addf("kind", "must be %q, got %q", ManifestKind, m.Kind)
	}
	if err := p.Err(); err != nil {
		return nil, manifestErr(src, err)
	}
	return m, nil
}

// yamlProblem converts an error of the YAML parser or decoder into a
// ManifestError placed at the token it names.
func yamlProblem(src *source, err error) error {
	var ye yaml.Error
	if !errors.As(err, &ye) || ye.GetToken() == nil {
		return &ManifestError{Problems: []ManifestProblem{{File: src.file, Rule: err.Error()}}}
	}
	tk := ye.GetToken()
	pos := position{tk.Position.Line, tk.Position.Column}
	rule := ye.GetMessage()
	var te *yaml.TypeError
	if errors.As(err, &te) {
		rule = fmt.Sprintf("must be %s, got %s", describeKind(te.DstType), describeKind(te.SrcType))
	}
	var ue *yaml.UnknownFieldError
	if errors.As(err, &ue) {
		rule = "unknown field " + strconv.Quote(tk.Value)
	}
	return &ManifestError{Problems: []ManifestProblem{{File: src.file, Line: pos.line, Column: pos.col, Path: src.at[pos], Rule: rule}}}
}

// describeKind names a Go type the way a manifest's author thinks of it.
func describeKind(t reflect.Type) string {
	if t == nil {
		return "nothing"
	}
	if t.String() == "time.Time" {
		return "an RFC 3339 time"
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
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	case reflect.Pointer:
		return describeKind(t.Elem())
	}
	return t.String()
}

// index walks the document's tree, recording the field path of each key
// and item with its position, and refuses anchors, aliases and nesting
// deeper than [MaxManifestDepth].
func index(name string, root ast.Node) (*source, error) {
	s := &source{file: name, paths: map[string]position{}, at: map[position]string{}, order: map[string]int{}}
	var walk func(n ast.Node, path string, depth int) error
	place := func(tk *token.Token, path string) {
		if tk == nil || tk.Position == nil {
			return
		}
		pos := position{tk.Position.Line, tk.Position.Column}
		if _, ok := s.at[pos]; !ok {
			s.at[pos] = path
		}
		if _, ok := s.paths[path]; !ok {
			s.paths[path] = pos
			s.order[path] = len(s.order)
		}
	}
	refuse := func(tk *token.Token, path, rule string) error {
		p := ManifestProblem{File: name, Path: path, Rule: rule}
		if tk != nil && tk.Position != nil {
			p.Line, p.Column = tk.Position.Line, tk.Position.Column
		}
		return &ManifestError{Problems: []ManifestProblem{p}}
	}
	walk = func(n ast.Node, path string, depth int) error {
		if n == nil {
			return nil
		}
		if depth > MaxManifestDepth {
			return refuse(n.GetToken(), path, fmt.Sprintf("nesting deeper than %d levels", MaxManifestDepth))
		}
		switch v := n.(type) {
		case *ast.AnchorNode, *ast.AliasNode:
			return refuse(n.GetToken(), path, "anchors and aliases are not allowed in a manifest: write each value out")
		case *ast.TagNode:
			return walk(v.Value, path, depth)
		case *ast.MappingNode:
			place(v.GetToken(), path)
			for _, mv := range v.Values {
				if err := walk(mv, path, depth+1); err != nil {
					return err
				}
			}
		case *ast.MappingValueNode:
			if v.Key == nil {
				return nil
			}
			if _, ok := v.Key.(*ast.MergeKeyNode); ok {
				return refuse(v.Key.GetToken(), path, "merge keys are not allowed in a manifest")
			}
			key := v.Key.GetToken().Value
			child := key
			if path != "" {
				child = path + "." + key
			}
			place(v.Key.GetToken(), child)
			place(v.GetToken(), child)
			if err := walk(v.Value, child, depth); err != nil {
				return err
			}
		case *ast.SequenceNode:
			place(v.GetToken(), path)
			for i, item := range v.Values {
				child := fmt.Sprintf("%s[%d]", path, i)
				if item != nil {
					place(item.GetToken(), child)
				}
				if err := walk(item, child, depth+1); err != nil {
					return err
				}
			}
		default:
			place(n.GetToken(), path)
		}
		return nil
	}
	if err := walk(root, "", 0); err != nil {
		return s, err
	}
	if root != nil {
		if tk := root.GetToken(); tk != nil && tk.Position != nil {
			s.paths[""] = position{tk.Position.Line, tk.Position.Column}
		}
	}
	return s, nil
}
