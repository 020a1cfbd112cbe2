package controls

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors callers branch on with [errors.Is].
var (
	// ErrUnknownID is matched by every [*UnknownIDError].
	ErrUnknownID = errors.New("controls: unknown id")
	// ErrInvalid is matched by every [*ValidationError].
	ErrInvalid = errors.New("controls: invalid catalog")
)

// UnknownIDError reports a lookup of an id the catalog does not hold.
type UnknownIDError struct {
	// Kind is what was looked up: "control", "clause", "objective", ...
	Kind string
	// ID is the id that was not found.
	ID string
}

func (e *UnknownIDError) Error() string {
	return "controls: unknown " + e.Kind + " " + strconv.Quote(e.ID)
}

// Unwrap returns [ErrUnknownID].
func (e *UnknownIDError) Unwrap() error { return ErrUnknownID }

// Problem is one validation failure at a field path such as
// "controls[2].relatedControls[0]".
type Problem struct {
	// Path locates the field, in JSON names ("own[0].extends").
	Path string
	// Message says what is wrong with it.
	Message string
}

// String formats the problem as "path: message".
func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// ValidationError lists every problem found in a catalog, in document
// order. It unwraps to [ErrInvalid].
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("controls: invalid catalog: ")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Unwrap returns [ErrInvalid].
func (e *ValidationError) Unwrap() error { return ErrInvalid }

type problems []Problem

func (ps *problems) add(path, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Message: sprintf(format, args...)})
}

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps}
}
