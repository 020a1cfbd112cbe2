package lifecycle

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/internal/yamlscan"
)

// Limits of card metadata, checked by a line scan before the YAML parser
// runs: its cost grows with the square of one mapping's entries and of
// the nesting, so a hostile front matter is refused unparsed.
const (
	// MaxFrontMatterBytes bounds the YAML metadata of a card.
	MaxFrontMatterBytes = 256 << 10
	maxYAMLDepth        = 32
	maxYAMLEntries      = 1000
	maxYAMLNodes        = 20_000
)

// yamlNumber is a YAML integer or float, with the text it was written
// as, so that a string field may still take "2024" or "1.0".
type yamlNumber struct {
	value float64
	text  string
}

// parseYAML parses one bounded YAML document into map[string]any, []any,
// string, yamlNumber, bool and nil values. Anchors, aliases and tags are
// refused: card metadata needs none of them, and aliases are how a small
// file becomes a huge one.
func parseYAML(data []byte) (any, error) {
	if err := yamlscan.Scan(data, yamlscan.Limits{MaxBytes: MaxFrontMatterBytes, MaxDepth: maxYAMLDepth,
		MaxEntries: maxYAMLEntries, MaxNodes: maxYAMLNodes}); err != nil {
		return nil, aims.Invalid("", "card metadata "+err.Error())
	}
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, aims.Invalid("", "card metadata is not valid YAML: "+firstLine(err.Error()))
	}
	if len(file.Docs) == 0 {
		return nil, nil
	}
	if len(file.Docs) != 1 {
		return nil, aims.Invalid("", fmt.Sprintf("card metadata must be one YAML document, got %d", len(file.Docs)))
	}
	var c yamlConv
	v := c.node(file.Docs[0].Body, "", 0)
	if c.err != nil {
		return nil, c.err
	}
	return v, nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return clip(s)
}

type yamlConv struct{ err error }

func (c *yamlConv) fail(path string, n ast.Node, rule string) {
	if c.err != nil {
		return
	}
	if n != nil && n.GetToken() != nil && n.GetToken().Position != nil {
		rule += fmt.Sprintf(" (line %d)", n.GetToken().Position.Line)
	}
	c.err = aims.Invalid(path, rule)
}

func (c *yamlConv) node(n ast.Node, path string, depth int) any {
	if c.err != nil {
		return nil
	}
	if depth > maxYAMLDepth {
		c.fail(path, n, fmt.Sprintf("nests deeper than %d levels", maxYAMLDepth))
		return nil
	}
	switch n := n.(type) {
	case nil, *ast.NullNode, *ast.CommentGroupNode:
		return nil
	case *ast.BoolNode:
		return n.Value
	case *ast.IntegerNode:
		text := n.GetToken().Value
		switch v := n.Value.(type) {
		case int64:
			return yamlNumber{float64(v), text}
		case uint64:
			return yamlNumber{float64(v), text}
		}
		c.fail(path, n, "holds an integer out of range")
	case *ast.FloatNode:
		return yamlNumber{n.Value, n.GetToken().Value}
	case *ast.InfinityNode, *ast.NanNode:
		return n.GetToken().Value // a string: numeric fields refuse it by name
	case *ast.StringNode:
		return n.Value
	case *ast.LiteralNode:
		return n.Value.Value
	case *ast.MappingNode:
		m := make(map[string]any, len(n.Values))
		for _, mv := range n.Values {
			c.pair(m, mv, path, depth)
		}
		return m
	case *ast.MappingValueNode:
		m := map[string]any{}
		c.pair(m, n, path, depth)
		return m
	case *ast.SequenceNode:
		out := make([]any, 0, len(n.Values))
		for i, v := range n.Values {
			out = append(out, c.node(v, fmt.Sprintf("%s[%d]", path, i), depth+1))
		}
		return out
	case *ast.AnchorNode, *ast.AliasNode, *ast.MergeKeyNode:
		c.fail(path, n, "uses YAML anchors or aliases, which card metadata does not need")
	case *ast.TagNode:
		c.fail(path, n, "uses a YAML tag, which card metadata does not need")
	default:
		c.fail(path, n, fmt.Sprintf("holds a YAML %s, which card metadata does not need", n.Type()))
	}
	return nil
}

func (c *yamlConv) pair(m map[string]any, mv *ast.MappingValueNode, path string, depth int) {
	var key string
	switch k := mv.Key.(type) {
	case *ast.StringNode:
		key = k.Value
	case *ast.NullNode, *ast.BoolNode, *ast.IntegerNode, *ast.FloatNode:
		key = k.GetToken().Value
	default:
		c.fail(path, mv.Key, "has a mapping key that is not a plain value")
		return
	}
	sub := key
	if path != "" {
		sub = path + "." + key
	}
	m[key] = c.node(mv.Value, sub, depth+1)
}

// fields reads typed values out of a parsed tree, collecting a problem
// per field of the wrong shape.
type fields struct{ p aims.Problems }

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func describe(v any) string {
	switch v.(type) {
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	case bool:
		return "a boolean"
	case yamlNumber:
		return "a number"
	case string:
		return "a string"
	}
	return "null"
}

// str reads an optional string; a number is taken as written.
func (f *fields) str(m map[string]any, path, key string) string {
	switch v := m[key].(type) {
	case nil:
		return ""
	case string:
		return v
	case yamlNumber:
		return v.text
	default:
		f.p.Addf(join(path, key), "must be a string, got %s", describe(v))
	}
	return ""
}

// strs reads a string or a list of strings.
func (f *fields) strs(m map[string]any, path, key string) []string {
	switch v := m[key].(type) {
	case nil:
		return nil
	case string, yamlNumber:
		return []string{f.str(m, path, key)}
	case []any:
		if len(v) > maxItems {
			f.p.Addf(join(path, key), "must hold at most %d items, got %d", maxItems, len(v))
			return nil
		}
		var out []string
		for i, x := range v {
			switch x := x.(type) {
			case string:
				out = append(out, x)
			case yamlNumber:
				out = append(out, x.text)
			default:
				f.p.Addf(fmt.Sprintf("%s[%d]", join(path, key), i), "must be a string, got %s", describe(x))
			}
		}
		return out
	default:
		f.p.Addf(join(path, key), "must be a string or a list of strings, got %s", describe(v))
	}
	return nil
}

// obj reads an optional mapping.
func (f *fields) obj(m map[string]any, path, key string) map[string]any {
	switch v := m[key].(type) {
	case nil:
		return nil
	case map[string]any:
		return v
	default:
		f.p.Addf(join(path, key), "must be a mapping, got %s", describe(v))
	}
	return nil
}

// list reads an optional list of mappings.
func (f *fields) list(m map[string]any, path, key string) []map[string]any {
	switch v := m[key].(type) {
	case nil:
		return nil
	case []any:
		if len(v) > maxItems {
			f.p.Addf(join(path, key), "must hold at most %d items, got %d", maxItems, len(v))
			return nil
		}
		out := make([]map[string]any, 0, len(v))
		for i, x := range v {
			if o, ok := x.(map[string]any); ok {
				out = append(out, o)
			} else {
				f.p.Addf(fmt.Sprintf("%s[%d]", join(path, key), i), "must be a mapping, got %s", describe(x))
				out = append(out, map[string]any{})
			}
		}
		return out
	default:
		f.p.Addf(join(path, key), "must be a list, got %s", describe(v))
	}
	return nil
}

// num reads a required number; a string holding one is accepted, as the
// Hub writes some metric values quoted.
func (f *fields) num(m map[string]any, path, key string) (float64, bool) {
	switch v := m[key].(type) {
	case nil:
		f.p.Add(join(path, key), "is required")
	case yamlNumber:
		if finite(v.value) {
			return v.value, true
		}
		f.p.Addf(join(path, key), "must be a finite number, got %s", clip(v.text))
	case string:
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err == nil && finite(x) {
			return x, true
		}
		f.p.Addf(join(path, key), "must be a number, got %q", clip(v))
	default:
		f.p.Addf(join(path, key), "must be a number, got %s", describe(v))
	}
	return 0, false
}
