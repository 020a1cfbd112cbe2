package aims

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aimsgo/iso42001/internal/strictjson"
)

// Category sentinels. Every error the kernel and the Store implementations
// return matches at most one of them under [errors.Is]; callers branch on
// these, never on message text.
var (
	// ErrNotFound: the record, tenant entry or journal entry does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the expected version is stale (or the record already
	// exists on create); nothing was written.
	ErrConflict = errors.New("version conflict")
	// ErrForbidden: the actor lacks the authority for the action, or a
	// separation-of-duties rule excludes them.
	ErrForbidden = errors.New("forbidden")
	// ErrInvalid: the input breaks a rule; see [*ValidationError] for details.
	ErrInvalid = errors.New("invalid")
	// ErrTransitionDenied: the workflow has no such transition from the
	// record's state, or a guard refused it; see [*TransitionError].
	ErrTransitionDenied = errors.New("transition denied")
	// ErrTampered: the journal's hash chain or a record's digest does not
	// verify; see [*ChainError].
	ErrTampered = errors.New("journal tampered")
	// ErrSchemaNewer: the stored record was written by a newer build, with
	// a schema version this build does not know; changing it here would
	// drop the fields this build cannot read, so the write is refused.
	ErrSchemaNewer = errors.New("record written by a newer schema version")
)

// Error is the structured error of a kernel operation: what was attempted,
// on which record, and why. It unwraps to its cause, which carries the
// category sentinel.
type Error struct {
	Op   string // operation, e.g. "put", "fire approve"
	Kind string // record kind, may be empty
	ID   string // record id, may be empty
	Err  error  // cause; matches a category sentinel
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.Kind != "" || e.ID != "" {
		fmt.Fprintf(&b, " %s/%s", e.Kind, e.ID)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// E wraps err with the operation and record it concerns. It returns nil when
// err is nil, and err itself when it already says the same (a store's error
// passed up by a collection), so messages do not stutter.
func E(op, kind, id string, err error) error {
	if err == nil {
		return nil
	}
	if ae, ok := err.(*Error); ok && ae.Op == op && ae.Kind == kind && ae.ID == id {
		return err
	}
	return &Error{Op: op, Kind: kind, ID: id, Err: err}
}

// Problem is one broken rule, located by its field path
// (for example "risks[3].likelihood").
type Problem struct {
	Path string `json:"path"`
	Rule string `json:"rule"`
}

func (p Problem) String() string {
	if p.Path == "" {
		return p.Rule
	}
	return p.Path + ": " + p.Rule
}

// ValidationError lists every problem found in an input at once, up to
// [MaxProblems]; a longer list ends with one problem counting the rest
// ("and 3,993,590 more problems"). It matches [ErrInvalid] under
// errors.Is.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	switch len(e.Problems) {
	case 0:
		return "invalid"
	case 1:
		return "invalid: " + e.Problems[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "invalid: %d problems:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Is reports whether target is [ErrInvalid].
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// MaxProblems bounds the problems a [Problems] keeps: the rest are only
// counted, and [Problems.Err] ends its list with one problem saying how
// many more there were, so a huge hostile input cannot make a huge error.
const MaxProblems = 100

// Problems collects validation problems; the zero value is ready to use.
// It keeps the first [MaxProblems] and counts the rest.
//
//	var p aims.Problems
//	p.Require("title", r.Title)
//	p.Line("title", r.Title)
//	p.Addf("likelihood", "must be between 1 and %d, got %d", n, r.Likelihood)
//	return p.Err()
type Problems struct {
	list    []Problem
	omitted int
}

// Add records a problem at path.
func (p *Problems) Add(path, rule string) {
	if len(p.list) >= MaxProblems {
		p.omitted++
		return
	}
	p.list = append(p.list, Problem{Path: path, Rule: rule})
}

// Addf records a formatted problem at path.
func (p *Problems) Addf(path, format string, args ...any) {
	if len(p.list) >= MaxProblems {
		p.omitted++ // not formatted: nobody will read it
		return
	}
	p.Add(path, fmt.Sprintf(format, args...))
}

// Require records "is required" at path when value is empty.
func (p *Problems) Require(path, value string) {
	if strings.TrimSpace(value) == "" {
		p.Add(path, "is required")
	}
}

// Line records a problem at path when value is not one line of text:
// invalid UTF-8, or a control character other than tab (a line break
// included). Use it for titles, names and ids; an empty value passes
// (pair it with [Problems.Require]).
func (p *Problems) Line(path, value string) {
	if rule := strictjson.TextRule(value, false); rule != "" {
		p.Add(path, rule)
	}
}

// Text records a problem at path when value is not text: invalid UTF-8,
// or a control character other than tab, line feed and carriage return.
// Use it for descriptions and notes.
func (p *Problems) Text(path, value string) {
	if rule := strictjson.TextRule(value, true); rule != "" {
		p.Add(path, rule)
	}
}

// Merge adds the problems of err under prefix when err is a
// [*ValidationError]; any other non-nil error is added as one problem.
func (p *Problems) Merge(prefix string, err error) {
	if err == nil {
		return
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
		for _, q := range ve.Problems {
			path := q.Path
			switch {
			case prefix == "":
			case path == "":
				path = prefix
			case strings.HasPrefix(path, "["):
				path = prefix + path
			default:
				path = prefix + "." + path
			}
			if n, ok := moreCount(q); ok {
				p.omitted += n
				continue
			}
			p.Add(path, q.Rule)
		}
		return
	}
	p.Add(prefix, err.Error())
}

// Len returns the number of problems so far, omitted ones included.
func (p *Problems) Len() int { return len(p.list) + p.omitted }

// Err returns a [*ValidationError] holding the problems, or nil if none.
// Past [MaxProblems], the last problem reads "and 3,993,590 more
// problems".
func (p *Problems) Err() error {
	if p.Len() == 0 {
		return nil
	}
	list := append([]Problem(nil), p.list...)
	if p.omitted > 0 {
		list = append(list, Problem{Rule: moreRule(p.omitted)})
	}
	return &ValidationError{Problems: list}
}

const morePrefix, moreSuffix = "and ", " more problems"

func moreRule(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return morePrefix + b.String() + moreSuffix
}

// moreCount reads back a problem made by moreRule.
func moreCount(q Problem) (int, bool) {
	if q.Path != "" || !strings.HasPrefix(q.Rule, morePrefix) || !strings.HasSuffix(q.Rule, moreSuffix) {
		return 0, false
	}
	n, err := strconv.Atoi(strings.ReplaceAll(q.Rule[len(morePrefix):len(q.Rule)-len(moreSuffix)], ",", ""))
	return n, err == nil && n > 0
}

// Invalid returns a [*ValidationError] with one problem.
func Invalid(path, rule string) error {
	return &ValidationError{Problems: []Problem{{Path: path, Rule: rule}}}
}
