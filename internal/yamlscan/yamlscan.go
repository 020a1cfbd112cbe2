// Package yamlscan measures a YAML document without parsing it, so that
// a hostile one is refused before a YAML parser spends its time and memory
// on it. goccy/go-yaml's cost grows with the square of the entries of one
// mapping and of the nesting depth, and some invalid shapes ("a: &a &a
// &a ...", "[a: a: a: ...]", a hundred thousand documents) cost it
// gigabytes for kilobytes; the line scan here bounds all of them in
// linear time and without allocating.
//
// The measure errs on the safe side: a multi-line plain or quoted scalar
// counts its lines as entries, a list item counts once for its dash and
// once for its content, and an indicator inside a line counts as a
// level. Documents a person writes never come near the limits.
package yamlscan

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Defaults for the zero fields of [Limits].
const (
	DefaultMaxBytes   = 512 << 10
	DefaultMaxDepth   = 64
	DefaultMaxEntries = 1000
	DefaultMaxNodes   = 20_000
)

// Limits bound what [Scan] accepts. A zero field takes its default.
type Limits struct {
	// MaxBytes bounds the input's length.
	MaxBytes int
	// MaxDepth bounds the nesting of collections, counting indicators
	// within a line ("a: b: c") as levels.
	MaxDepth int
	// MaxEntries bounds the entries of one mapping or list.
	MaxEntries int
	// MaxNodes bounds the entries of all mappings and lists together.
	MaxNodes int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = DefaultMaxNodes
	}
	return l
}

// Error is the rule a document broke and the line where the scan saw it
// (0 when the rule concerns the whole input). Rule reads after the
// document's name: "answers" + " " + "nests deeper than 64 levels".
type Error struct {
	Line int
	Rule string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return e.Rule
	}
	return e.Rule + " (line " + strconv.Itoa(e.Line) + ")"
}

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

// Scan measures data without parsing it: size, UTF-8, depth, entries
// per collection and in all. The measure errs on the safe side (a
// multi-line plain or quoted scalar counts its lines as entries), which
// documents a person writes never come near.
func Scan(data []byte, lim Limits) error {
	lim = lim.withDefaults()
	if len(data) > lim.MaxBytes {
		return &Error{Rule: fmt.Sprintf("is %d bytes of YAML, more than the limit of %d", len(data), lim.MaxBytes)}
	}
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:invalidUTF8At(data)], []byte("\n"))
		return &Error{Line: line, Rule: "is not valid UTF-8"}
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
			return &Error{Line: lineNo, Rule: fmt.Sprintf("nests deeper than %d levels", lim.MaxDepth)}
		}
	)
	entry := func(n int) error {
		nodes++
		if nodes > lim.MaxNodes {
			return &Error{Line: lineNo, Rule: fmt.Sprintf("has more than %d YAML entries", lim.MaxNodes)}
		}
		if n > lim.MaxEntries {
			return &Error{Line: lineNo, Rule: fmt.Sprintf("has a YAML mapping or list of more than %d entries", lim.MaxEntries)}
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
			if len(stack)+len(flow) > lim.MaxDepth {
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
					return &Error{Line: lineNo, Rule: "must be one YAML document"}
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
				fail = &Error{Line: lineNo, Rule: "uses YAML anchors or aliases, which are not supported"}
				continue
			case nodeStart && c == '!':
				fail = &Error{Line: lineNo, Rule: "uses a YAML tag, which is not supported"}
				continue
			case spaced && (c == ':' || (nodeStart && (c == '-' || c == '?'))):
				inline++
				if len(stack)+len(flow)+inline > lim.MaxDepth {
					fail = deeperThan()
				}
				nodeStart, prev = true, c
				continue
			case nodeStart && (c == '"' || c == '\''):
				quote = c
			case (c == '[' || c == '{') && (nodeStart || len(flow) > 0):
				flow = append(flow, flowLevel{entries: 1, inline: inline})
				if len(stack)+len(flow)+inline > lim.MaxDepth {
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
