package aims

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// KindDocument is the record kind of [DocumentedInfo].
const KindDocument = "document"

// AIPolicyNumber is the document number of the AI policy (clause 5.2):
// [Documents.Create] gives a document with AIPolicy set this number unless
// it has one, so its revisions are "ai-policy-r1", "ai-policy-r2", ...
const AIPolicyNumber = "ai-policy"

// DocType classifies documented information (clause 7.5). Values are
// append-only.
type DocType string

// Document types.
const (
	// DocPolicy states intentions and direction, e.g. the AI policy.
	DocPolicy DocType = "policy"
	// DocProcedure says how an activity is carried out.
	DocProcedure DocType = "procedure"
	// DocRecord is evidence of something done.
	DocRecord DocType = "record"
	// DocPlan says what will be done, by whom and when.
	DocPlan DocType = "plan"
	// DocReport reports results (monitoring, audits, reviews).
	DocReport DocType = "report"
	// DocOther is any other documented information.
	DocOther DocType = "other"
)

// Valid reports whether t is a known document type.
func (t DocType) Valid() bool {
	switch t {
	case DocPolicy, DocProcedure, DocRecord, DocPlan, DocReport, DocOther:
		return true
	}
	return false
}

// DocState is a state of the document-control workflow. Values are
// append-only.
type DocState string

// Document states.
const (
	// DocDraft is being written; only a draft's content may change.
	DocDraft DocState = "draft"
	// DocInReview is submitted and awaits approval.
	DocInReview DocState = "in-review"
	// DocApproved is approved; its content is frozen.
	DocApproved DocState = "approved"
	// DocPublished is approved and made available to those who need it.
	DocPublished DocState = "published"
	// DocWithdrawn is no longer in force; kept as a record.
	DocWithdrawn DocState = "withdrawn"
)

// Valid reports whether s is a known document state.
func (s DocState) Valid() bool {
	switch s {
	case DocDraft, DocInReview, DocApproved, DocPublished, DocWithdrawn:
		return true
	}
	return false
}

// DocEvent is an event of the document-control workflow.
type DocEvent string

// Document events.
const (
	// DocSubmit sends a draft for review (its author or a document
	// controller).
	DocSubmit DocEvent = "submit"
	// DocApprove approves a document under review (an approver or top
	// management, never its author).
	DocApprove DocEvent = "approve"
	// DocReject returns a document under review to draft.
	DocReject DocEvent = "reject"
	// DocPublish makes an approved document available.
	DocPublish DocEvent = "publish"
	// DocWithdraw takes a document out of force; terminal.
	DocWithdraw DocEvent = "withdraw"
)

// ContentRef points at a document's content kept elsewhere, with the
// SHA-256 of its bytes so that a swapped file is evident.
type ContentRef struct {
	// URI locates the content.
	URI string `json:"uri"`
	// SHA256 is the lowercase hex SHA-256 of the content's bytes.
	SHA256 string `json:"sha256"`
}

// IsZero reports whether r is empty, for omitzero.
func (r ContentRef) IsZero() bool { return r == ContentRef{} }

// DocumentedInfo is documented information under document control
// (clause 7.5): a policy, procedure, plan, record or report, with its
// revision, author and approver. The AI policy (clause 5.2) is a
// [DocPolicy] with AIPolicy set.
//
// Each revision is its own record, so that the revision in force stays
// readable while the next one is drafted: Number is the document's stable
// number, shared by its revisions, and [Documents.Revise] creates revision
// n+1 as a new draft that Supersedes the published one. Once approved, a
// revision's content is sealed by ContentDigest and Validate refuses any
// change to it, so even [Collection.Update] cannot alter an approved text.
type DocumentedInfo struct {
	Meta
	// Number identifies the document across its revisions, e.g. "ai-policy".
	Number string `json:"number"`
	// Revision is the revision number, from 1.
	Revision int `json:"revision"`
	// Title is the document's title.
	Title string `json:"title"`
	// Type classifies the document.
	Type DocType `json:"type"`
	// AIPolicy marks the AI policy (clause 5.2).
	AIPolicy bool `json:"aiPolicy,omitempty"`
	// Clauses lists the clauses or controls the document serves, e.g. "5.2",
	// "A.2.2".
	Clauses []string `json:"clauses,omitempty"`
	// Author is the actor who wrote this revision.
	Author string `json:"author"`
	// Content points at the content kept elsewhere; use it or Text.
	Content ContentRef `json:"content,omitzero"`
	// Text is the content kept inline; use it or Content.
	Text string `json:"text,omitempty"`
	// ReviewDue is when the document is next to be reviewed.
	ReviewDue time.Time `json:"reviewDue,omitzero"`
	// Supersedes is the id of the revision this one replaces.
	Supersedes string `json:"supersedes,omitempty"`
	// ReviewNote is the reviewer's reason for the last rejection.
	ReviewNote string `json:"reviewNote,omitempty"`
	// Approver is the actor who approved this revision.
	Approver string `json:"approver,omitempty"`
	// ApprovedAt is when it was approved.
	ApprovedAt time.Time `json:"approvedAt,omitzero"`
	// PublishedAt is when it was published.
	PublishedAt time.Time `json:"publishedAt,omitzero"`
	// ContentDigest seals the content at approval: the hex SHA-256 of the
	// content fields, as [DocumentedInfo.ContentSum] computes it.
	ContentDigest string `json:"contentDigest,omitempty"`
}

// ContentSum returns the hex SHA-256 of the fields that approval freezes:
// number, revision, title, type, AI policy flag, clauses, author, content
// reference and text.
func (d *DocumentedInfo) ContentSum() string {
	frozen := struct {
		Number   string     `json:"number"`
		Revision int        `json:"revision"`
		Title    string     `json:"title"`
		Type     DocType    `json:"type"`
		AIPolicy bool       `json:"aiPolicy"`
		Clauses  []string   `json:"clauses"`
		Author   string     `json:"author"`
		Content  ContentRef `json:"content"`
		Text     string     `json:"text"`
	}{d.Number, d.Revision, d.Title, d.Type, d.AIPolicy, d.Clauses, d.Author, d.Content, d.Text}
	data, _ := json.Marshal(frozen) // strings, ints and bools always marshal
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// HasContent reports whether the document carries content, inline or by
// reference.
func (d *DocumentedInfo) HasContent() bool {
	return strings.TrimSpace(d.Text) != "" || d.Content.URI != ""
}

// Validate checks the document and returns a [*ValidationError] listing
// every problem. Beyond the fields, it enforces document control: an
// approved, published or withdrawn revision must carry an approver and a
// ContentDigest that matches its content.
func (d *DocumentedInfo) Validate() error {
	var p Problems
	checkHeader(&p, &d.Meta, KindDocument)
	if !ValidName(d.Number) {
		p.Addf("number", "must be 1-%d printable bytes, got %q", maxName, d.Number)
	}
	if d.Revision < 1 {
		p.Addf("revision", "must be at least 1, got %d", d.Revision)
	}
	p.Require("title", d.Title)
	if !d.Type.Valid() {
		p.Addf("type", "must be policy, procedure, record, plan, report or other, got %q", d.Type)
	}
	if d.AIPolicy && d.Type != DocPolicy {
		p.Addf("type", "must be %q for the AI policy, got %q", DocPolicy, d.Type)
	}
	checkTexts(&p, "clauses", d.Clauses)
	if !ValidName(d.Author) {
		p.Addf("author", "must be an actor id of 1-%d printable bytes, got %q", maxName, d.Author)
	}
	if !d.Content.IsZero() {
		if strings.TrimSpace(d.Content.URI) == "" {
			p.Add("content.uri", "is required when content is referenced")
		}
		if !isSHA256(d.Content.SHA256) {
			p.Addf("content.sha256", "must be 64 lowercase hex digits, got %q", d.Content.SHA256)
		}
		if d.Text != "" {
			p.Add("text", "must be empty when content is referenced; keep the content in one place")
		}
	}
	if d.Supersedes != "" && !ValidName(d.Supersedes) {
		p.Addf("supersedes", "must be a document id, got %q", d.Supersedes)
	}
	state := DocState(d.State)
	if d.State != "" && !state.Valid() {
		p.Addf("state", "must be a document state (draft, in-review, approved, published, withdrawn), got %q", d.State)
	}
	if state == DocApproved || state == DocPublished {
		if !ValidName(d.Approver) {
			p.Addf("approver", "is required once the document is %s", state)
		}
		if d.ContentDigest == "" {
			p.Addf("contentDigest", "is required once the document is %s", state)
		}
	}
	if d.ContentDigest != "" && d.ContentDigest != d.ContentSum() {
		p.Add("contentDigest", "does not match the content: the content changed after approval; revise the document instead")
	}
	return p.Err()
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Attributes returns the filterable attributes: number, type, revision,
// aiPolicy ("true" or "false") and author.
func (d *DocumentedInfo) Attributes() map[string]string {
	return map[string]string{
		"number":   d.Number,
		"type":     string(d.Type),
		"revision": strconv.Itoa(d.Revision),
		"aiPolicy": strconv.FormatBool(d.AIPolicy),
		"author":   d.Author,
	}
}

// DocumentedInfos returns the collection of documented information in ws.
// Prefer [Documents], which runs the document-control workflow; writes
// through the collection still cannot alter an approved revision's content
// (see [DocumentedInfo.Validate]).
func DocumentedInfos(ws *Workspace) *Collection[DocumentedInfo, *DocumentedInfo] {
	return NewCollection[DocumentedInfo](ws, KindDocument, 1).Freeze(string(DocApproved), string(DocPublished), string(DocWithdrawn))
}

func docAuthor(d *DocumentedInfo) []string { return []string{d.Author} }

// docGuardContent refuses to move a document that has no content.
var docGuardContent = Guard[DocumentedInfo]{
	Name: "has-content",
	Check: func(_ context.Context, d *DocumentedInfo) error {
		if !d.HasContent() {
			return errors.New("the document has neither text nor a content reference")
		}
		return nil
	},
}

// documentMachine is the document-control workflow; immutable.
var documentMachine = MustMachine(Spec[DocumentedInfo, DocState, DocEvent]{
	Name:     "document",
	Version:  1,
	Initial:  DocDraft,
	States:   []DocState{DocDraft, DocInReview, DocApproved, DocPublished, DocWithdrawn},
	Terminal: []DocState{DocWithdrawn},
	Transitions: []Transition[DocumentedInfo, DocState, DocEvent]{
		{
			Event: DocSubmit, From: []DocState{DocDraft}, To: DocInReview,
			Roles:  []Role{RoleDocumentController},
			Allow:  func(d *DocumentedInfo, actor string) bool { return d.Author == actor },
			Guards: []Guard[DocumentedInfo]{docGuardContent},
			Note:   "by the author",
		},
		{
			Event: DocApprove, From: []DocState{DocInReview}, To: DocApproved,
			Roles:  []Role{RoleApprover, RoleTopManagement},
			Duties: []Duty[DocumentedInfo]{NotActor("approver-is-not-author", docAuthor)},
			Guards: []Guard[DocumentedInfo]{docGuardContent},
			Note:   "not by the author",
		},
		{
			Event: DocReject, From: []DocState{DocInReview}, To: DocDraft,
			Roles: []Role{RoleApprover, RoleTopManagement},
		},
		{
			Event: DocPublish, From: []DocState{DocApproved}, To: DocPublished,
			Roles: []Role{RoleDocumentController, RoleApprover, RoleTopManagement},
		},
		{
			Event: DocWithdraw, From: []DocState{DocDraft, DocApproved, DocPublished}, To: DocWithdrawn,
			Roles: []Role{RoleDocumentController, RoleApprover, RoleTopManagement},
		},
	},
})

// DocumentWorkflow returns the document-control workflow: draft ->
// in-review (submit, by the author) -> approved (approve, by an approver or
// top management who is not the author) or back to draft (reject) ->
// published (publish) -> withdrawn (withdraw, terminal). A draft or an
// approved revision may also be withdrawn.
func DocumentWorkflow() *Machine[DocumentedInfo, DocState, DocEvent] { return documentMachine }

// Documents is the document-control service: it creates documents as
// drafts, moves them through [DocumentWorkflow], keeps approved content
// immutable and creates new revisions. It is safe for concurrent use.
type Documents struct {
	c *Collection[DocumentedInfo, *DocumentedInfo]
}

// NewDocuments returns the document-control service of ws.
func NewDocuments(ws *Workspace) *Documents {
	return &Documents{c: DocumentedInfos(ws)}
}

// Collection returns the underlying collection, for reads and listing.
func (ds *Documents) Collection() *Collection[DocumentedInfo, *DocumentedInfo] { return ds.c }

// Get returns the document revision with id.
func (ds *Documents) Get(ctx context.Context, id string) (*DocumentedInfo, error) {
	return ds.c.Get(ctx, id)
}

// Create stores d as a draft. Defaults: Author is actor, Revision is 1,
// Number is [AIPolicyNumber] for the AI policy, and the id is
// "<number>-r<revision>" when a number is known, else a fresh id that also
// becomes the number. Approval fields in d are cleared: only the workflow
// sets them.
func (ds *Documents) Create(ctx context.Context, actor string, d *DocumentedInfo) error {
	if d.Author == "" {
		d.Author = actor
	}
	if d.Revision == 0 {
		d.Revision = 1
	}
	if d.Number == "" && d.AIPolicy {
		d.Number = AIPolicyNumber
	}
	switch {
	case d.ID != "" && d.Number == "":
		d.Number = d.ID
	case d.ID == "" && d.Number != "":
		d.ID = revisionID(d.Number, d.Revision)
	case d.ID == "":
		d.ID = ds.c.Workspace().NewID(KindDocument)
		d.Number = d.ID
	}
	d.Approver, d.ApprovedAt, d.PublishedAt, d.ContentDigest, d.ReviewNote = "", time.Time{}, time.Time{}, "", ""
	return Start(ctx, ds.c, documentMachine, actor, d)
}

func revisionID(number string, rev int) string { return number + "-r" + strconv.Itoa(rev) }

// Update stores changes to a draft's content. Workflow and approval fields
// (state, number, revision, author, approval) keep their stored values.
// A document that is not a draft is refused with a [*TransitionError]
// matching [ErrTransitionDenied]: approved content changes only through a
// new revision ([Documents.Revise]). Only the author or a document
// controller may edit a draft ([ErrForbidden] otherwise). d's version must
// be the one read, else [ErrConflict].
func (ds *Documents) Update(ctx context.Context, actor string, d *DocumentedInfo) error {
	cur, err := ds.c.Get(ctx, d.ID)
	if err != nil {
		return err
	}
	if DocState(cur.State) != DocDraft {
		return E("update", KindDocument, d.ID, &TransitionError{
			Workflow: documentMachine.ID(), Event: "update", From: cur.State, category: ErrTransitionDenied,
			Unmet: []Unmet{{Rule: "immutable", Reason: fmt.Sprintf("a %s document's content cannot change; revise it to make a new draft", cur.State)}},
		})
	}
	if actor != cur.Author {
		if err := ds.c.Workspace().Authorizer().Authorize(ctx, actor, []Role{RoleDocumentController}); err != nil {
			return E("update", KindDocument, d.ID, err)
		}
	}
	next := *d
	next.Meta = cur.Meta
	next.Meta.Version = d.Version
	next.Number, next.Revision, next.Author, next.Supersedes = cur.Number, cur.Revision, cur.Author, cur.Supersedes
	next.Approver, next.ApprovedAt, next.PublishedAt, next.ContentDigest = "", time.Time{}, time.Time{}, ""
	if err := ds.c.Update(ctx, actor, &next); err != nil {
		return err
	}
	*d = next
	return nil
}

func (ds *Documents) fire(ctx context.Context, actor, id string, ev DocEvent, change func(*DocumentedInfo) error) (*DocumentedInfo, error) {
	return Fire(ctx, ds.c, documentMachine, Firing[DocumentedInfo, DocEvent]{ID: id, Actor: actor, Event: ev, Change: change})
}

// Submit sends draft id for review; its author or a document controller
// may.
func (ds *Documents) Submit(ctx context.Context, actor, id string) (*DocumentedInfo, error) {
	return ds.fire(ctx, actor, id, DocSubmit, func(d *DocumentedInfo) error {
		d.ReviewNote = ""
		return nil
	})
}

// Approve approves document id under review, recording the approver and
// sealing the content. The actor needs the role "approver" or
// "top-management" and must not be the author ([ErrForbidden]).
func (ds *Documents) Approve(ctx context.Context, actor, id string) (*DocumentedInfo, error) {
	now := ds.c.Workspace().Now()
	return ds.fire(ctx, actor, id, DocApprove, func(d *DocumentedInfo) error {
		d.Approver, d.ApprovedAt = actor, now
		d.ContentDigest = d.ContentSum()
		return nil
	})
}

// Reject returns document id under review to draft with the reviewer's
// reason, which is required.
func (ds *Documents) Reject(ctx context.Context, actor, id, reason string) (*DocumentedInfo, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, E("fire reject", KindDocument, id, Invalid("reason", "is required"))
	}
	return ds.fire(ctx, actor, id, DocReject, func(d *DocumentedInfo) error {
		d.ReviewNote = reason
		return nil
	})
}

// Publish publishes approved document id. When it supersedes a published
// revision, that revision is then withdrawn by the same actor; the two
// writes are separate store operations, so if the second fails the error
// says so and both revisions stay published until it is retried with
// [Documents.Withdraw].
func (ds *Documents) Publish(ctx context.Context, actor, id string) (*DocumentedInfo, error) {
	now := ds.c.Workspace().Now()
	d, err := ds.fire(ctx, actor, id, DocPublish, func(d *DocumentedInfo) error {
		d.PublishedAt = now
		return nil
	})
	if err != nil || d.Supersedes == "" {
		return d, err
	}
	old, err := ds.c.Get(ctx, d.Supersedes)
	if errors.Is(err, ErrNotFound) {
		return d, nil
	}
	if err != nil {
		return d, fmt.Errorf("published %s, but could not read the superseded revision: %w", id, err)
	}
	if DocState(old.State) != DocPublished {
		return d, nil
	}
	if _, err := ds.Withdraw(ctx, actor, old.ID); err != nil {
		return d, fmt.Errorf("published %s, but could not withdraw the superseded revision %s: %w", id, old.ID, err)
	}
	return d, nil
}

// Withdraw takes document id out of force (terminal).
func (ds *Documents) Withdraw(ctx context.Context, actor, id string) (*DocumentedInfo, error) {
	return ds.fire(ctx, actor, id, DocWithdraw, nil)
}

// Revise creates the next revision of published document id as a new draft
// authored by actor, with the same number and content, id
// "<number>-r<revision+1>", and Supersedes set. The published revision
// stays in force until the new one is published. Revising anything but a
// published revision is refused ([ErrTransitionDenied]); a revision that
// already exists is [ErrConflict].
func (ds *Documents) Revise(ctx context.Context, actor, id string) (*DocumentedInfo, error) {
	cur, err := ds.c.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if DocState(cur.State) != DocPublished {
		return nil, E("revise", KindDocument, id, &TransitionError{
			Workflow: documentMachine.ID(), Event: "revise", From: cur.State, category: ErrTransitionDenied,
			Unmet: []Unmet{{Rule: "transition", Reason: fmt.Sprintf("only a published document can be revised; this one is %s", cur.State)}},
		})
	}
	next := &DocumentedInfo{
		Number:    cur.Number,
		Revision:  cur.Revision + 1,
		Title:     cur.Title,
		Type:      cur.Type,
		AIPolicy:  cur.AIPolicy,
		Clauses:   slices.Clone(cur.Clauses),
		Author:    actor,
		Content:   cur.Content,
		Text:      cur.Text,
		ReviewDue: cur.ReviewDue,
	}
	next.ID = revisionID(cur.Number, next.Revision)
	next.Supersedes = cur.ID
	if err := Start(ctx, ds.c, documentMachine, actor, next); err != nil {
		return nil, err
	}
	return next, nil
}

// Actions returns the events actor may fire now on document id, in
// workflow order: a UI's buttons.
func (ds *Documents) Actions(ctx context.Context, actor, id string) ([]DocEvent, error) {
	return Actions(ctx, ds.c, documentMachine, actor, id)
}

// AIPolicy returns the AI policy in force: the highest published revision
// of a document marked AIPolicy, or else the highest approved one. It
// returns an error matching [ErrNotFound] when there is none.
func (ds *Documents) AIPolicy(ctx context.Context) (*DocumentedInfo, error) {
	for _, st := range []DocState{DocPublished, DocApproved} {
		var best *DocumentedInfo
		for d, err := range ds.c.List(ctx, map[string]string{"aiPolicy": "true", "state": string(st)}) {
			if err != nil {
				return nil, err
			}
			if best == nil || d.Revision > best.Revision {
				best = d
			}
		}
		if best != nil {
			return best, nil
		}
	}
	return nil, E("get", KindDocument, AIPolicyNumber, fmt.Errorf("%w: no approved or published AI policy", ErrNotFound))
}
