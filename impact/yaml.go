package impact

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/internal/yamlscan"
)

// YAML limits. The YAML parser's time and memory grow with the square of
// the entries in one mapping and of the nesting depth, so a YAML input is
// measured by a cheap line scan, and refused, before it is parsed. JSON
// input is not parsed by the YAML parser and has only the JSON limits.
const (
	// MaxYAMLSize bounds a questionnaire or an answers file written in
	// YAML.
	MaxYAMLSize = 512 << 10
	// MaxYAMLEntries bounds the entries of one YAML mapping or list.
	MaxYAMLEntries = 1000
	// MaxYAMLNodes bounds the entries of all YAML mappings and lists in
	// one input, together.
	MaxYAMLNodes = 20_000
	// MaxDepth bounds how deeply an input's mappings and lists nest, in
	// YAML and in JSON.
	MaxDepth = 64
)

var yamlLimits = yamlscan.Limits{MaxBytes: MaxYAMLSize, MaxDepth: MaxDepth, MaxEntries: MaxYAMLEntries, MaxNodes: MaxYAMLNodes}

// yamlToJSON parses data once, after scanYAML has bounded it, and writes
// its one document as JSON. Anchors, aliases, merge keys and tags are
// refused: expanding aliases is how a small file becomes a huge one
// ("billion laughs"), and a questionnaire or an answers file needs none
// of them. Duplicate keys pass through to the JSON check, which reports
// them with their paths.
func yamlToJSON(data []byte, what string) ([]byte, error) {
	if err := yamlscan.Scan(data, yamlLimits); err != nil {
		return nil, aims.Invalid("", what+" "+err.Error())
	}
	// Duplicate keys are left to the JSON check, which names their paths.
	file, err := parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		return nil, aims.Invalid("", fmt.Sprintf("%s is not valid YAML: %v", what, err))
	}
	if len(file.Docs) != 1 {
		return nil, aims.Invalid("", fmt.Sprintf("%s must be one YAML document, got %d", what, len(file.Docs)))
	}
	w := yamlWriter{what: what}
	w.node(file.Docs[0].Body, 0)
	if w.err != nil {
		return nil, w.err
	}
	return w.buf.Bytes(), nil
}

type yamlWriter struct {
	buf  bytes.Buffer
	what string
	err  error
}

func (w *yamlWriter) fail(n ast.Node, rule string) {
	if w.err == nil {
		line := 0
		if n != nil && n.GetToken() != nil && n.GetToken().Position != nil {
			line = n.GetToken().Position.Line
		}
		w.err = aims.Invalid("", fmt.Sprintf("%s %s (line %d)", w.what, rule, line))
	}
}

func (w *yamlWriter) node(n ast.Node, depth int) {
	if w.err != nil {
		return
	}
	if depth > MaxDepth {
		w.fail(n, fmt.Sprintf("nests deeper than %d levels", MaxDepth))
		return
	}
	switch n := n.(type) {
	case nil:
		w.buf.WriteString("null")
	case *ast.NullNode:
		w.buf.WriteString("null")
	case *ast.BoolNode:
		w.buf.WriteString(strconv.FormatBool(n.Value))
	case *ast.IntegerNode:
		switch v := n.Value.(type) {
		case int64:
			w.buf.WriteString(strconv.FormatInt(v, 10))
		case uint64:
			w.buf.WriteString(strconv.FormatUint(v, 10))
		default:
			w.fail(n, fmt.Sprintf("has an integer out of range: %s", n.GetToken().Value))
		}
	case *ast.FloatNode:
		w.buf.WriteString(strconv.FormatFloat(n.Value, 'g', -1, 64))
	case *ast.InfinityNode, *ast.NanNode:
		w.fail(n, "holds infinity or NaN, which JSON numbers cannot")
	case *ast.StringNode:
		w.str(n.Value)
	case *ast.LiteralNode:
		w.str(n.Value.Value)
	case *ast.MappingNode:
		w.buf.WriteByte('{')
		for i, mv := range n.Values {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			w.pair(mv, depth)
		}
		w.buf.WriteByte('}')
	case *ast.MappingValueNode:
		w.buf.WriteByte('{')
		w.pair(n, depth)
		w.buf.WriteByte('}')
	case *ast.SequenceNode:
		w.buf.WriteByte('[')
		for i, v := range n.Values {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			w.node(v, depth+1)
		}
		w.buf.WriteByte(']')
	case *ast.AnchorNode, *ast.AliasNode, *ast.MergeKeyNode:
		w.fail(n, "uses YAML anchors or aliases, which are not supported")
	case *ast.TagNode:
		w.fail(n, "uses a YAML tag, which is not supported")
	case *ast.CommentGroupNode:
		w.buf.WriteString("null")
	default:
		w.fail(n, fmt.Sprintf("holds a YAML %s, which is not supported", n.Type()))
	}
}

func (w *yamlWriter) pair(mv *ast.MappingValueNode, depth int) {
	switch k := mv.Key.(type) {
	case *ast.StringNode:
		w.str(k.Value)
	case *ast.MergeKeyNode:
		w.fail(k, "uses YAML anchors or aliases, which are not supported")
		return
	case *ast.NullNode, *ast.BoolNode, *ast.IntegerNode, *ast.FloatNode:
		w.str(k.GetToken().Value)
	default:
		w.fail(mv.Key, "has a mapping key that is not a plain value")
		return
	}
	w.buf.WriteByte(':')
	w.node(mv.Value, depth+1)
}

// str writes s as a JSON string. Bytes that are not UTF-8 cannot occur
// (scanYAML refused them); control characters are escaped, everything
// else is copied.
func (w *yamlWriter) str(s string) {
	const hex = "0123456789abcdef"
	w.buf.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			w.buf.WriteByte('\\')
			w.buf.WriteByte(c)
		case c < 0x20:
			w.buf.WriteString(`\u00`)
			w.buf.WriteByte(hex[c>>4])
			w.buf.WriteByte(hex[c&0xf])
		default:
			w.buf.WriteByte(c)
		}
	}
	w.buf.WriteByte('"')
}
