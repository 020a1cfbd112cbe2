package impact

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/aimsgo/iso42001/aims"
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

// yamlLevel is one open block collection: its indentation and how many
// entries it has so far.
type yamlLevel struct {
	indent, entries int
}

// flowLevel is one open flow collection ("[...]", "{...}"): its entries
// so far and the line's indicator count where it opened.
type flowLevel struct {
	entries, inline int
}

// scanYAML measures data without parsing it: size, UTF-8, depth, entries
// per collection and in all. The measure errs on the safe side (a
// multi-line plain or quoted scalar counts its lines as entries), which
// documents a person writes never come near.
func scanYAML(data []byte, what string) error {
	if len(data) > MaxYAMLSize {
		return aims.Invalid("", fmt.Sprintf("%s is %d bytes of YAML, more than the limit of %d", what, len(data), MaxYAMLSize))
	}
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:invalidUTF8At(data)], []byte("\n"))
		return aims.Invalid("", fmt.Sprintf("%s is not valid UTF-8 (line %d)", what, line))
	}
	var (
		stack      []yamlLevel
		flow       []flowLevel
		nodes      int
		block      = -1 // indentation of the line that opened a block scalar
		markers    int  // document markers seen
		started    bool // content seen
		quote      byte // open quote carried over a line break
		lineNo     int
		fail       error
		deeperThan = func() error {
			return aims.Invalid("", fmt.Sprintf("%s nests deeper than %d levels (line %d)", what, MaxDepth, lineNo))
		}
	)
	entry := func(n int) error {
		nodes++
		if nodes > MaxYAMLNodes {
			return aims.Invalid("", fmt.Sprintf("%s has more than %d YAML entries (line %d)", what, MaxYAMLNodes, lineNo))
		}
		if n > MaxYAMLEntries {
			return aims.Invalid("", fmt.Sprintf("%s has a YAML mapping or list of more than %d entries (line %d)", what, MaxYAMLEntries, lineNo))
		}
		return nil
	}
	// level records an entry starting at column col of a block line.
	level := func(col int) error {
		for len(stack) > 0 && stack[len(stack)-1].indent > col {
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 && stack[len(stack)-1].indent == col {
			stack[len(stack)-1].entries++
		} else {
			stack = append(stack, yamlLevel{indent: col, entries: 1})
			if len(stack)+len(flow) > MaxDepth {
				return deeperThan()
			}
		}
		return entry(stack[len(stack)-1].entries)
	}
	for rest := data; len(rest) > 0 && fail == nil; {
		lineNo++
		var line []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			line, rest = rest, nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		indent := 0
		for indent < len(line) && line[indent] == ' ' {
			indent++
		}
		content := line[indent:]
		if block >= 0 {
			if len(bytes.TrimSpace(content)) == 0 || indent > block {
				continue // inside a block scalar
			}
			block = -1
		}
		if quote == 0 && len(flow) == 0 {
			if len(content) == 0 || content[0] == '#' {
				continue
			}
			// One document: the parser would build every document of a
			// file of a hundred thousand before anyone could refuse it.
			if indent == 0 && (marker(content, "---") || marker(content, "...")) {
				if markers++; marker(content, "...") || markers > 1 || started {
					return aims.Invalid("", fmt.Sprintf("%s must be one YAML document (line %d)", what, lineNo))
				}
				if len(bytes.TrimSpace(content[3:])) == 0 {
					continue
				}
				content = bytes.TrimLeft(content[3:], " ")
				indent = len(line) - len(content)
			}
			started = true
			if content[0] == '%' {
				if fail = entry(1); fail != nil {
					break
				}
				continue
			}
			// "- - a" opens a list in a list: one level per dash.
			col := indent
			for fail == nil {
				if fail = level(col); fail != nil {
					break
				}
				if len(content) > 0 && content[0] == '-' && (len(content) == 1 || content[1] == ' ') {
					n := 1
					for n < len(content) && content[n] == ' ' {
						n++
					}
					if n == len(content) {
						break
					}
					col += n
					content = content[n:]
					continue
				}
				break
			}
			if fail != nil {
				break
			}
		}
		// The rest of the line: quotes, comments, flow collections, and a
		// block scalar indicator at its end.
		// Indicators later in the line ("a: b: c", "a: - - x", "? ? x",
		// "[a: b: c]") are mostly not valid YAML, but the parser explores
		// them before it says so and pays for their nesting: each counts
		// as a level. Anchors, aliases and tags, which the conversion
		// refuses anyway, are refused here, before the parser spends
		// memory on them.
		inline := 0
		if len(flow) > 0 {
			inline = flow[len(flow)-1].inline
		}
		nodeStart := true // at a place where a node may begin
		prev := byte(' ')
		for i := 0; i < len(content) && fail == nil; i++ {
			c := content[i]
			if quote != 0 {
				switch {
				case quote == '"' && c == '\\':
					i++
				case c == quote && quote == '\'' && i+1 < len(content) && content[i+1] == '\'':
					i++
				case c == quote:
					quote = 0
				}
				prev = c
				continue
			}
			spaced := i+1 == len(content) || content[i+1] == ' ' || content[i+1] == '\t'
			switch {
			case c == ' ' || c == '\t':
				prev = c
				continue
			case c == '#' && (prev == ' ' || prev == '\t'):
				i = len(content)
				continue
			case nodeStart && (c == '&' || c == '*'):
				fail = aims.Invalid("", fmt.Sprintf("%s uses YAML anchors or aliases, which are not supported (line %d)", what, lineNo))
				continue
			case nodeStart && c == '!':
				fail = aims.Invalid("", fmt.Sprintf("%s uses a YAML tag, which is not supported (line %d)", what, lineNo))
				continue
			case spaced && (c == ':' || (nodeStart && (c == '-' || c == '?'))):
				inline++
				if len(stack)+len(flow)+inline > MaxDepth {
					fail = deeperThan()
				}
				nodeStart, prev = true, c
				continue
			case nodeStart && (c == '"' || c == '\''):
				quote = c
			case (c == '[' || c == '{') && (nodeStart || len(flow) > 0):
				flow = append(flow, flowLevel{entries: 1, inline: inline})
				if len(stack)+len(flow)+inline > MaxDepth {
					fail = deeperThan()
					continue
				}
				fail = entry(1)
				nodeStart, prev = true, c
				continue
			case (c == ']' || c == '}') && len(flow) > 0:
				inline = flow[len(flow)-1].inline
				flow = flow[:len(flow)-1]
			case c == ',' && len(flow) > 0:
				f := &flow[len(flow)-1]
				f.entries++
				inline = f.inline
				fail = entry(f.entries)
				nodeStart, prev = true, c
				continue
			}
			nodeStart, prev = false, c
		}
		if fail == nil && quote == 0 && len(flow) == 0 && blockIndicator(content) {
			block = indent
			if len(stack) > 0 {
				block = stack[len(stack)-1].indent
			}
		}
	}
	return fail
}

// marker reports whether content is the document marker m ("---" or
// "..."), alone or followed by a space.
func marker(content []byte, m string) bool {
	return bytes.HasPrefix(content, []byte(m)) && (len(content) == 3 || content[3] == ' ' || content[3] == '\t')
}

// blockIndicator reports whether a line ends in a block scalar header
// ("key: |", "- >-", "key: |2").
func blockIndicator(content []byte) bool {
	if i := bytes.Index(content, []byte(" #")); i >= 0 {
		content = content[:i]
	}
	content = bytes.TrimRight(content, " \t")
	for len(content) > 0 && (content[len(content)-1] == '+' || content[len(content)-1] == '-' ||
		(content[len(content)-1] >= '1' && content[len(content)-1] <= '9')) {
		content = content[:len(content)-1]
	}
	if len(content) == 0 {
		return false
	}
	c := content[len(content)-1]
	if c != '|' && c != '>' {
		return false
	}
	return len(content) == 1 || content[len(content)-2] == ' '
}

func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(data)
}

// yamlToJSON parses data once, after scanYAML has bounded it, and writes
// its one document as JSON. Anchors, aliases, merge keys and tags are
// refused: expanding aliases is how a small file becomes a huge one
// ("billion laughs"), and a questionnaire or an answers file needs none
// of them. Duplicate keys pass through to the JSON check, which reports
// them with their paths.
func yamlToJSON(data []byte, what string) ([]byte, error) {
	if err := scanYAML(data, what); err != nil {
		return nil, err
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
