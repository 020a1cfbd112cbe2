package storetest

import (
	"github.com/aimsgo/iso42001/aims"
)

// NoteKind is the record kind of [Note].
const NoteKind = "note"

// Note is a minimal [aims.Document] for tests that run the kernel on a
// store: a title that is required, a body, and the owner as an indexed
// attribute. Store packages reuse it for their own tamper tests.
type Note struct {
	aims.Meta
	Title string `json:"title"`
	Body  string `json:"body,omitempty"`
	Owner string `json:"owner,omitempty"`
}

// Validate requires a title, so tests can provoke a validation error.
func (n *Note) Validate() error {
	var p aims.Problems
	p.Require("title", n.Title)
	if len(n.Title) > 100 {
		p.Addf("title", "must be at most 100 bytes, got %d", len(n.Title))
	}
	return p.Err()
}

// Attributes indexes the owner, when set, for List filters.
func (n *Note) Attributes() map[string]string {
	if n.Owner == "" {
		return nil
	}
	return map[string]string{"owner": n.Owner}
}

// Notes returns the collection of notes in ws.
func Notes(ws *aims.Workspace) *aims.Collection[Note, *Note] {
	return aims.NewCollection[Note](ws, NoteKind, 1)
}
