// Package csvsafe writes CSV that spreadsheets open as data, never as
// formulas: a cell that starts with =, +, -, @, a tab or a carriage return is
// prefixed with a single quote (the OWASP "CSV injection" advice), so Excel,
// LibreOffice and Google Sheets show the text instead of running it.
package csvsafe

import (
	"encoding/csv"
	"io"
	"strings"
)

// Cell returns s made safe to place in a spreadsheet cell.
func Cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// Writer is a csv.Writer that neutralises every cell it writes.
type Writer struct {
	w   *csv.Writer
	buf []string
}

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// Write writes one record, each cell neutralised with [Cell].
func (w *Writer) Write(record ...string) error {
	w.buf = w.buf[:0]
	for _, c := range record {
		w.buf = append(w.buf, Cell(c))
	}
	return w.w.Write(w.buf)
}

// Flush writes buffered data and returns any error that occurred.
func (w *Writer) Flush() error {
	w.w.Flush()
	return w.w.Error()
}

// Join joins values for one cell with "; ", the separator our reports use for
// lists inside a cell.
func Join(values []string) string { return strings.Join(values, "; ") }
