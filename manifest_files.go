package iso42001

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/goccy/go-yaml/parser"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/impact"
)

// ReadAnswerFiles reads the answers each impact assessment keeps in a
// file of its own (ImpactAssessmentSpec.AnswersFile) from fsys, the
// directory the manifest is in (os.DirFS of it, for a manifest on disk):
// a path is relative to it and may not leave it. Each file is decoded
// with the impact package's strict, bounded answers decoder
// ([impact.DecodeAnswers]); a problem is reported as the answers file's
// file:line:column, the question's path and the rule, and the problems
// of every file at once as a [*ManifestError]. The answers found are
// kept in Answers; an assessment that gives answers both inline and in a
// file is an error. Plan later checks the answers against the
// questionnaire and places what it finds in the same file.
func (m *Manifest) ReadAnswerFiles(fsys fs.FS) error {
	me := &ManifestError{}
	dir := ""
	if m.src != nil {
		dir = filepath.Dir(m.src.file)
	}
	for i := range m.ImpactAssessments {
		s := &m.ImpactAssessments[i]
		if s.AnswersFile == "" {
			continue
		}
		field := fmt.Sprintf("impactAssessments[%d].answersFile", i)
		name := filepath.Join(dir, filepath.FromSlash(s.AnswersFile))
		switch {
		case len(s.Answers) > 0:
			me.Problems = append(me.Problems, m.src.problem(field, "give the answers inline or in answersFile, not both"))
			continue
		case !fs.ValidPath(path.Clean(s.AnswersFile)) || strings.Contains(s.AnswersFile, "\\"):
			me.Problems = append(me.Problems, m.src.problem(field, fmt.Sprintf("%q must be a path relative to the manifest's directory, inside it", s.AnswersFile)))
			continue
		}
		data, err := readLimited(fsys, path.Clean(s.AnswersFile), impact.MaxAnswersSize)
		if err != nil {
			me.Problems = append(me.Problems, m.src.problem(field, fmt.Sprintf("cannot read %q: %v", s.AnswersFile, unwrapPath(err))))
			continue
		}
		src := &source{file: name}
		if f, perr := parser.ParseBytes(data, 0); perr == nil && len(f.Docs) == 1 && f.Docs[0] != nil {
			if ix, ierr := index(name, f.Docs[0].Body); ierr == nil {
				src = ix
			}
		}
		answers, err := impact.DecodeAnswers(data)
		if err != nil {
			me.Problems = append(me.Problems, answerProblems(src, "", err)...)
			continue
		}
		s.Answers, s.answersSrc = answers, src
	}
	if len(me.Problems) == 0 {
		return nil
	}
	sortProblems(me.Problems)
	return me
}

// readLimited reads name from fsys, refusing a file larger than limit.
func readLimited(fsys fs.FS, name string, limit int) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(data) > limit {
		return nil, fmt.Errorf("more than %d bytes", limit)
	}
	return data, nil
}

// unwrapPath drops the operation and path a *fs.PathError repeats.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// answerProblems places the problems of answers read from src: a path
// "answers.<question>" (the answers decoder's and the questionnaire's)
// is the question's key in the file; prefix, when not empty, replaces
// "answers" in the path reported (for answers given inline).
func answerProblems(src *source, prefix string, err error) []ManifestProblem {
	var ve *aims.ValidationError
	if !errors.As(err, &ve) {
		return []ManifestProblem{{File: src.file, Path: prefix, Rule: err.Error()}}
	}
	out := make([]ManifestProblem, 0, len(ve.Problems))
	for _, q := range ve.Problems {
		key := strings.TrimPrefix(strings.TrimPrefix(q.Path, "answers"), ".")
		p := src.problem(key, q.Rule)
		p.Path = q.Path
		if prefix != "" {
			p.Path = prefix + strings.TrimPrefix(q.Path, "answers")
		}
		out = append(out, p)
	}
	return out
}
