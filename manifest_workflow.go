package iso42001

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/risk"
)

// docOrder ranks the document states a manifest may declare.
var docOrder = map[aims.DocState]int{aims.DocDraft: 0, aims.DocInReview: 1, aims.DocApproved: 2, aims.DocPublished: 3}

// latestRevisions returns the latest revision of each document number.
func (a *AIMS) latestRevisions(ctx context.Context) (map[string]*aims.DocumentedInfo, error) {
	out := map[string]*aims.DocumentedInfo{}
	for d, err := range a.docs.Collection().List(ctx, nil) {
		if err != nil {
			return nil, err
		}
		if cur, ok := out[d.Number]; !ok || d.Revision > cur.Revision {
			out[d.Number] = d
		}
	}
	return out, nil
}

// docSpec returns the manifest entry of a stored revision.
func docSpec(d *aims.DocumentedInfo) (*DocumentSpec, error) {
	s, err := recast[DocumentSpec](d)
	if err != nil {
		return nil, err
	}
	s.State = aims.DocState(d.State)
	return s, nil
}

// documents plans the documented information: each document is created
// by its author, or revised by its author when its published content
// changes, then moved to its declared state, submitted by the author and
// approved and published by the approver.
func (pl *planner) documents(ctx context.Context) error {
	stored, err := pl.a.latestRevisions(ctx)
	if err != nil {
		return err
	}
	ds := pl.a.docs
	keep := map[string]bool{}
	for i, want := range pl.m.Documents {
		path := fmt.Sprintf("documents[%d]", i)
		keep[want.Number] = true
		content := want
		content.State, content.Approver = "", ""
		rec, err := recast[aims.DocumentedInfo](content)
		if err != nil {
			return err
		}
		cur, ok := stored[want.Number]
		var (
			c     = Change{Kind: aims.KindDocument}
			from  = aims.DocDraft
			id    string
			steps []func(context.Context) error
		)
		switch {
		case !ok:
			id = want.Number + "-r1"
			rec.ID, rec.Revision = id, 1
			c.Action, c.Fields = ActionCreate, diff(nil, want)
			c.Steps = append(c.Steps, "create as "+want.Author)
			steps = append(steps, func(ctx context.Context) error { return ds.Create(ctx, want.Author, rec) })
		default:
			have, err := docSpec(cur)
			if err != nil {
				return err
			}
			id, from = cur.ID, aims.DocState(cur.State)
			haveContent := *have
			haveContent.State, haveContent.Approver = "", ""
			fields := diff(haveContent, content)
			c.Fields = diff(have, want)
			if _, known := docOrder[from]; !known {
				pl.problems.Addf(path, "revision %s is %s: a manifest cannot bring it back; give the document a new number", cur.ID, from)
				continue
			}
			if len(fields) > 0 {
				switch from {
				case aims.DocDraft:
					if want.Author != cur.Author {
						pl.problems.Addf(path+".author", "draft %s is written by %q: the author of a revision cannot change", cur.ID, cur.Author)
						continue
					}
					rec.ID, rec.Version = cur.ID, cur.Version
					c.Steps = append(c.Steps, "update as "+want.Author)
					steps = append(steps, func(ctx context.Context) error { return ds.Update(ctx, want.Author, rec) })
				case aims.DocPublished:
					next := cur.Number + "-r" + strconv.Itoa(cur.Revision+1)
					c.Steps = append(c.Steps, fmt.Sprintf("revise %s as %s into %s", cur.ID, want.Author, next), "update as "+want.Author)
					id, from = next, aims.DocDraft
					steps = append(steps, func(ctx context.Context) error {
						nd, err := ds.Revise(ctx, want.Author, cur.ID)
						if err != nil {
							return err
						}
						rec.ID, rec.Version = nd.ID, nd.Version
						return ds.Update(ctx, want.Author, rec)
					})
				default:
					pl.problems.Addf(path, "revision %s is %s: its content cannot change until it is published (then a new revision is made)", cur.ID, from)
					continue
				}
			}
			if docOrder[want.State] < docOrder[from] {
				pl.problems.Addf(path+".state", "revision %s is already %s: a document does not go back to %s", id, from, want.State)
				continue
			}
			if len(fields) == 0 && docOrder[from] >= docOrder[aims.DocApproved] && cur.Approver != want.Approver {
				pl.problems.Addf(path+".approver", "revision %s was approved by %q: an approval cannot be rewritten; change the content to make a new revision", cur.ID, cur.Approver)
				continue
			}
			c.Action = ActionUpdate
		}
		c.ID = id
		for st := from; docOrder[st] < docOrder[want.State]; {
			switch st {
			case aims.DocDraft:
				c.Steps = append(c.Steps, "submit as "+want.Author)
				steps = append(steps, func(ctx context.Context) error { _, err := ds.Submit(ctx, want.Author, rec.ID); return err })
				st = aims.DocInReview
			case aims.DocInReview:
				c.Steps = append(c.Steps, "approve as "+want.Approver)
				steps = append(steps, func(ctx context.Context) error { _, err := ds.Approve(ctx, want.Approver, rec.ID); return err })
				st = aims.DocApproved
			case aims.DocApproved:
				c.Steps = append(c.Steps, "publish as "+want.Approver)
				steps = append(steps, func(ctx context.Context) error { _, err := ds.Publish(ctx, want.Approver, rec.ID); return err })
				st = aims.DocPublished
			}
		}
		if ok && rec.ID == "" {
			rec.ID = cur.ID
		}
		if len(steps) == 0 {
			c.Action, c.Fields = ActionUnchanged, nil
		} else {
			c.run = func(ctx context.Context) error {
				for _, s := range steps {
					if err := s(ctx); err != nil {
						return err
					}
				}
				return nil
			}
		}
		pl.add(c)
	}
	if !pl.o.Prune {
		return nil
	}
	actor := pl.o.Actor
	for _, number := range sortedIDs(stored) {
		cur := stored[number]
		if keep[number] || aims.DocState(cur.State) == aims.DocWithdrawn {
			continue
		}
		if aims.DocState(cur.State) == aims.DocInReview {
			pl.problems.Addf("documents", "document %s (revision %s) is in review: decide on it before it can be withdrawn", number, cur.ID)
			continue
		}
		pl.add(Change{Kind: aims.KindDocument, ID: cur.ID, Action: ActionRetire, Steps: []string{"withdraw as " + actor},
			run: func(ctx context.Context) error { _, err := ds.Withdraw(ctx, actor, cur.ID); return err }})
	}
	return nil
}

// evaluated lists the risk states that come after evaluation: the
// inherent assessment is settled in them.
var evaluated = []risk.State{risk.StateEvaluated, risk.StateTreatmentPlanned, risk.StateTreated, risk.StateAccepted, risk.StateMonitoring, risk.StateClosed}

// risks plans the risk register: each risk added by its owner, assessed,
// analysed and evaluated, treated and reassessed through the register,
// which scores every assessment with the criteria in force.
func (pl *planner) risks(ctx context.Context) error {
	reg := pl.reg
	stored := map[string]*risk.Risk{}
	for rk, err := range reg.Collection().List(ctx, nil) {
		if err != nil {
			return err
		}
		stored[rk.ID] = rk
	}
	keep := map[string]bool{}
	for i, want := range pl.m.Risks {
		path := fmt.Sprintf("risks[%d]", i)
		keep[want.ID] = true
		owner := want.Owner
		desc := want
		desc.Inherent, desc.Treatment, desc.Residual = nil, nil, nil
		c := Change{Kind: risk.Kind, ID: want.ID}
		var steps []func(context.Context) error
		state := risk.StateIdentified
		var have *RiskSpec
		cur, ok := stored[want.ID]
		if !ok {
			rk, err := recast[risk.Risk](desc)
			if err != nil {
				return err
			}
			c.Action, c.Fields = ActionCreate, diff(nil, want)
			c.Steps = append(c.Steps, "add as "+owner)
			steps = append(steps, func(ctx context.Context) error { return reg.Add(ctx, owner, rk) })
			have = &RiskSpec{}
			if want.Treatment == nil && want.Residual == nil {
				c.batch = &newRisk{reg: reg, owner: owner, risk: rk, inherent: want.Inherent}
			}
		} else {
			var err error
			if have, err = recast[RiskSpec](cur); err != nil {
				return err
			}
			state = risk.State(cur.State)
			if state == risk.StateClosed {
				pl.problems.Addf(path, "risk %s is closed: reopen it through the register, or give the risk a new id", want.ID)
				continue
			}
			c.Action, c.Fields = ActionUpdate, diff(have, want)
			if len(c.Fields) == 0 && (want.Inherent == nil || slices.Contains(evaluated, state)) {
				pl.add(Change{Kind: risk.Kind, ID: want.ID, Action: ActionUnchanged})
				continue
			}
			haveDesc := *have
			haveDesc.Inherent, haveDesc.Treatment, haveDesc.Residual = nil, nil, nil
			if len(diff(haveDesc, desc)) > 0 {
				next, err := recast[risk.Risk](desc)
				if err != nil {
					return err
				}
				c.Steps = append(c.Steps, "update as "+owner)
				steps = append(steps, func(ctx context.Context) error {
					rk, err := reg.Get(ctx, want.ID)
					if err != nil {
						return err
					}
					if rk.Version != cur.Version {
						return aims.E("update", risk.Kind, want.ID, aims.ErrConflict)
					}
					next.Meta = rk.Meta
					next.Inherent, next.Treatment, next.Residual, next.Acceptance = rk.Inherent, rk.Treatment, rk.Residual, rk.Acceptance
					next.NextReview, next.Reviews, next.Reopenings, next.ClosedReason = rk.NextReview, rk.Reviews, rk.Reopenings, rk.ClosedReason
					return reg.Collection().Update(ctx, owner, next)
				})
			}
		}
		if want.Inherent != nil && len(diff(have.Inherent, want.Inherent)) > 0 {
			if slices.Contains(evaluated, state) {
				pl.problems.Addf(path+".inherent", "risk %s is %s: its inherent assessment is settled; reopen the risk to reassess it", want.ID, state)
				continue
			}
			in := *want.Inherent
			c.Steps = append(c.Steps, "assess inherent as "+owner)
			steps = append(steps, func(ctx context.Context) error {
				_, err := reg.Assess(ctx, owner, want.ID, risk.StageInherent, in.Assessment, in.Note)
				return err
			})
		} else if want.Inherent == nil && have.Inherent != nil {
			pl.problems.Addf(path+".inherent", "risk %s is assessed: an assessment cannot be removed", want.ID)
			continue
		}
		if want.Inherent != nil {
			for _, ev := range []struct {
				from risk.State
				ev   risk.Event
				to   risk.State
			}{{risk.StateIdentified, risk.EventAnalyse, risk.StateAnalysed}, {risk.StateAnalysed, risk.EventEvaluate, risk.StateEvaluated}} {
				if state != ev.from {
					continue
				}
				e := ev.ev
				c.Steps = append(c.Steps, string(e)+" as "+owner)
				steps = append(steps, func(ctx context.Context) error { _, err := reg.Fire(ctx, owner, want.ID, e, nil); return err })
				state = ev.to
			}
		}
		if want.Treatment != nil && len(diff(have.Treatment, want.Treatment)) > 0 {
			if state != risk.StateEvaluated && state != risk.StateTreatmentPlanned {
				pl.problems.Addf(path+".treatment", "risk %s is %s: its treatment is changed only while it is evaluated or its treatment planned", want.ID, state)
				continue
			}
			t, err := recast[risk.Treatment](want.Treatment)
			if err != nil {
				return err
			}
			c.Steps = append(c.Steps, "treat as "+owner)
			steps = append(steps, func(ctx context.Context) error { _, err := reg.Treat(ctx, owner, want.ID, *t); return err })
			state = risk.StateTreatmentPlanned
		} else if want.Treatment == nil && have.Treatment != nil {
			pl.problems.Addf(path+".treatment", "risk %s has a treatment plan: a plan cannot be removed, only revised", want.ID)
			continue
		}
		if want.Residual != nil && len(diff(have.Residual, want.Residual)) > 0 {
			if state != risk.StateTreatmentPlanned && state != risk.StateTreated {
				pl.problems.Addf(path+".residual", "risk %s is %s: the residual risk is assessed while its treatment is planned or done", want.ID, state)
				continue
			}
			res := *want.Residual
			c.Steps = append(c.Steps, "assess residual as "+owner)
			steps = append(steps, func(ctx context.Context) error {
				_, err := reg.Assess(ctx, owner, want.ID, risk.StageResidual, res.Assessment, res.Note)
				return err
			})
		} else if want.Residual == nil && have.Residual != nil {
			pl.problems.Addf(path+".residual", "risk %s has a residual assessment: an assessment cannot be removed", want.ID)
			continue
		}
		if len(steps) == 0 {
			c.Action, c.Fields = ActionUnchanged, nil
		} else {
			c.run = func(ctx context.Context) error {
				for _, s := range steps {
					if err := s(ctx); err != nil {
						return err
					}
				}
				return nil
			}
		}
		pl.add(c)
	}
	if !pl.o.Prune {
		return nil
	}
	actor := pl.o.Actor
	for _, id := range sortedIDs(stored) {
		cur := stored[id]
		switch st := risk.State(cur.State); {
		case keep[id] || st == risk.StateClosed:
		case st == risk.StateMonitoring:
			pl.add(Change{Kind: risk.Kind, ID: id, Action: ActionRetire, Steps: []string{"close as " + actor},
				run: func(ctx context.Context) error {
					_, err := reg.Close(ctx, actor, id, "no longer in the AIMS manifest")
					return err
				}})
		default:
			pl.problems.Addf("risks", "risk %s is %s and not in the manifest: only a monitored risk can be closed; keep it in the manifest until then", id, st)
		}
	}
	return nil
}

// newRisk is a new risk without treatment: created, with its inherent
// assessment, analysed and evaluated by its owner.
type newRisk struct {
	reg      *risk.Register
	owner    string
	risk     *risk.Risk
	inherent *RatingSpec
}

// createRisks carries out the batched new risks among changes as their
// per-risk steps would, through the same register, workflow and
// authority checks, in few commits: the risks of each owner are imported
// at once (risk.Register.Import, which scores each inherent assessment
// as Assess does), then every assessed one is analysed, then evaluated,
// each pass one commit of workflow transitions.
func (a *AIMS) createRisks(ctx context.Context, changes []Change) error {
	var owners []string
	byOwner := map[string][]risk.Import{}
	var reg *risk.Register
	var assessed []*newRisk
	for _, c := range changes {
		nr := c.batch
		if nr == nil {
			continue
		}
		reg = nr.reg
		it := risk.Import{Risk: nr.risk}
		if nr.inherent != nil {
			in := nr.inherent.Assessment
			it.Inherent, it.Note = &in, nr.inherent.Note
			assessed = append(assessed, nr)
		}
		if _, ok := byOwner[nr.owner]; !ok {
			owners = append(owners, nr.owner)
		}
		byOwner[nr.owner] = append(byOwner[nr.owner], it)
	}
	for _, owner := range owners {
		if _, err := reg.Import(ctx, owner, byOwner[owner], nil); err != nil {
			return fmt.Errorf("add risks as %s: %w", owner, err)
		}
	}
	for _, ev := range []risk.Event{risk.EventAnalyse, risk.EventEvaluate} {
		if len(assessed) == 0 {
			break
		}
		b, err := a.ws.Bulk(nil)
		if err != nil {
			return err
		}
		for _, nr := range assessed {
			if err := b.Stage(ctx, func(tx *aims.Tx) error {
				_, err := aims.FireIn(ctx, tx, reg.Collection(), reg.Workflow(), aims.Firing[risk.Risk, risk.Event]{ID: nr.risk.ID, Actor: nr.owner, Event: ev})
				return err
			}); err != nil {
				b.Discard()
				return fmt.Errorf("%s risk %s as %s: %w", ev, nr.risk.ID, nr.owner, err)
			}
		}
		if err := b.Flush(ctx); err != nil {
			return fmt.Errorf("%s risks: %w", ev, err)
		}
	}
	return nil
}
