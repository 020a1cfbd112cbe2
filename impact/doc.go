// Package impact assesses the impact of AI systems on people and society
// (ISO/IEC 42001 6.1.4, 8.4 and Annex A.5, in the shape of ISO/IEC
// 42005) and screens them against the EU AI Act (Regulation (EU)
// 2024/1689).
//
// # Questionnaires as data
//
// A [Questionnaire] is a versioned document, in JSON or YAML, with
// sections of typed questions (yes-no, single and multiple choice,
// number, text), required answers, and conditions that show a question
// only when earlier answers call for it. The condition language is data
// too: {question, equals | in | includes | includesAny | atLeast/atMost |
// answered}, combined with all, any and not, and named conditions reused
// with {ref}. Rules turn answers into outcomes (such as a risk tier), each
// with its reason text and reference, and into obligations. [Compile] (or
// [DecodeQuestionnaire]) checks a questionnaire once: unique ids, known
// types, choices that exist, and conditions that refer only to questions
// asked earlier, so that no condition can depend on itself. The resulting
// [Form] validates [Answers] ([Form.Evaluate]): an unknown question id, a
// wrong type, a missing required answer or an answer to a hidden question
// is an [aims.ValidationError] naming the question. Every [Reason] of a
// [Result] is traced to the answers its rule read.
//
// An answers file is a YAML (or JSON) map from question id to answer:
//
//	role: [provider]
//	manipulation: no
//	annex-iii: ["5b"]
//	gpai-training-flop: 3e24
//
// # Built-in questionnaires
//
// [Builtin] returns the embedded questionnaires, written in our own
// words: [BaselineID], the baseline impact assessment; [EUAIActID], the EU
// AI Act screening (Article 5 prohibited practices, Article 6 with Annex I
// and Annex III and the Article 6(3) derogations, Article 50 transparency,
// Articles 51-55 for general-purpose AI models); and [FRIAID], the outline
// of a deployer's fundamental rights impact assessment (Article 27).
// [Screen] gives a [Tier] (prohibited, high-risk, transparency, minimal),
// every reason with its article and the answers behind it, the
// obligations for the roles declared, and a notice that it is a screening
// aid, not legal advice.
//
// # Assessments
//
// An [Assessment] records one AI system at one version: intended uses and
// foreseeable misuse, deployment context, the people affected, each
// [Impact] (benefit or harm, its [Dimension], judged on severity,
// likelihood, scale and reversibility), mitigations linked to catalog
// controls and to register risks, residual impact, consultation and the
// decision. Impacts are scored by the risk package's scorers under the
// organisation's risk criteria, never by a second scoring system.
//
// The [Service] keeps assessments in a workspace and moves them through a
// kernel workflow ([NewWorkflow]): draft, in-review, approved, superseded.
// The reviewer is never the author; an approved assessment is immutable,
// and approving a newer one of the same system supersedes it.
// [Service.Link] feeds harms at or above the threshold into the risk
// register with their Annex C sources (approval waits for it), and
// [Service.Requirements] makes the mitigations' controls requirements of
// the Statement of Applicability, citing the assessment.
//
// # Reassessment and reports
//
// [Service.Due] lists the systems whose assessment is due, and why: a
// changed model version, data sources, purpose or deployment context
// (against the snapshot taken when the assessment started), an incident
// after approval, or the end of the review period. [Service.Inventory]
// lists each system's current assessment and tier. Reports come as
// Markdown and self-contained HTML for people and as JSON with its schema
// ([ReportSchema]) for tools.
package impact
