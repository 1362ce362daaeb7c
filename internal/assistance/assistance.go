// Package assistance is the program's technical assistance to member
// states: the request a member files, its five steps (request,
// consideration, design, implementation, follow-up) as one state machine
// with guarded transitions, funding proposals to donors, the situational
// analysis and the action plan, monitoring and adjustments, missions, the
// external evaluation, the roster of experts and partner institutions, the
// secretariat's board with overdue steps, and the numbers of the annual
// report to the Global Forum on Cyber Expertise.
//
// Who may see or do what is decided by package access (a government
// contact sees the requests of the own member state; the secretariat runs
// the workflow); every change is audited in its transaction; bad input is
// a valid error naming the field and changes nothing.
package assistance

import (
	"context"
	"errors"
	"io"
	"time"

	"atalaya/internal/access"
	"atalaya/internal/store"
)

// CONTRACT: the signatures below are what api, ui, reports and app code
// against; the bodies live in the files named after each part.

// Service is technical assistance over a store migrated with Migrations
// (after audit's and directory's).
type Service struct {
	db  *store.DB
	now func() time.Time
	// orgName answers a directory organisation's name, for donors given
	// by id; nil leaves them unresolved.
	orgName func(ctx context.Context, orgID string) (string, error)
	// csvPage is the page size WriteBoardCSV reads with; 0: maxLimit.
	// Tests make it small to see every page streamed.
	csvPage int
}

// Options are the service's dependencies.
type Options struct {
	// Now is the clock; nil: time.Now.
	Now func() time.Time
	// OrgName answers a directory organisation's name (for donors given
	// by id); nil: ids are not resolved.
	OrgName func(ctx context.Context, orgID string) (string, error)
}

// New returns the service over db.
func New(db *store.DB, o Options) *Service {
	clock := o.Now
	if clock == nil {
		clock = time.Now
	}
	// Times leave the service in UTC, as those read from the store do.
	return &Service{db: db, now: func() time.Time { return clock().UTC() }, orgName: o.OrgName}
}

// ErrConflict is returned when a change gives a Version that is no longer
// the stored one: somebody changed it meanwhile.
var ErrConflict = errors.New("changed meanwhile")

// --- requests ---

// CreateDraft opens a draft request for f.Country, filed by a government
// contact of that member state or by the secretariat on its behalf. The
// draft may be incomplete; fields present are still checked.
func (s *Service) CreateDraft(ctx context.Context, a access.Actor, f Form) (Request, error) {
	return s.createDraft(ctx, a, f)
}

// UpdateDraft replaces the form of a draft (or of a submitted request not
// yet under consideration, by the secretariat) given the version read.
func (s *Service) UpdateDraft(ctx context.Context, a access.Actor, id string, version int64, f Form) (Request, error) {
	return s.updateDraft(ctx, a, id, version, f)
}

// Submit checks the whole form and moves the draft to Submitted.
func (s *Service) Submit(ctx context.Context, a access.Actor, id string, version int64) (Request, error) {
	return s.move(ctx, a, id, version, Submitted, "")
}

// Get returns a request the actor may see (store.ErrNotFound otherwise,
// never access.ErrDenied: a request's existence is not told).
func (s *Service) Get(ctx context.Context, a access.Actor, id string) (Request, error) {
	return s.get(ctx, a, id)
}

// Details returns the request with everything recorded about it.
func (s *Service) Details(ctx context.Context, a access.Actor, id string) (Details, error) {
	return s.details(ctx, a, id)
}

// List returns the requests the actor may see, newest number first.
func (s *Service) List(ctx context.Context, a access.Actor, f Filter) ([]Summary, string, error) {
	return s.list(ctx, a, f)
}

// Move asks for the transition of request id to state to, with a reason
// (required to decline or withdraw). A transition the workflow does not
// have, or whose guard does not hold, is a valid error on field "to" whose
// message says what is missing.
func (s *Service) Move(ctx context.Context, a access.Actor, id string, version int64, to State, reason string) (Request, error) {
	return s.move(ctx, a, id, version, to, reason)
}

// Timeline returns what happened to the request, oldest first.
func (s *Service) Timeline(ctx context.Context, a access.Actor, id string) ([]TimelineEntry, error) {
	return s.timeline(ctx, a, id)
}

// --- attachments ---

// MaxAttachment is the largest file a request takes.
const MaxAttachment = 10 << 20

// Attach stores a file with the request (drafts and open requests).
func (s *Service) Attach(ctx context.Context, a access.Actor, id, name, contentType string, r io.Reader) (Attachment, error) {
	return s.attach(ctx, a, id, name, contentType, r)
}

// AttachmentContent returns an attachment and its bytes.
func (s *Service) AttachmentContent(ctx context.Context, a access.Actor, requestID, attachmentID string) (Attachment, []byte, error) {
	return s.attachmentContent(ctx, a, requestID, attachmentID)
}

// DeleteAttachment removes an attachment (who attached it, or the secretariat).
func (s *Service) DeleteAttachment(ctx context.Context, a access.Actor, requestID, attachmentID string) error {
	return s.deleteAttachment(ctx, a, requestID, attachmentID)
}

// --- consideration ---

// SetConsideration records staff, work plan and resources.
func (s *Service) SetConsideration(ctx context.Context, a access.Actor, id string, version int64, c Consideration) (Request, error) {
	return s.setConsideration(ctx, a, id, version, c)
}

// SaveProposal creates (p.ID == "") or updates a funding proposal; its
// status moves drafted -> sent -> pledged|declined, pledged -> received.
func (s *Service) SaveProposal(ctx context.Context, a access.Actor, requestID string, p Proposal) (Proposal, error) {
	return s.saveProposal(ctx, a, requestID, p)
}

// --- design ---

// SaveAnalysis creates or updates a piece of the situational analysis.
func (s *Service) SaveAnalysis(ctx context.Context, a access.Actor, requestID string, an Analysis) (Analysis, error) {
	return s.saveAnalysis(ctx, a, requestID, an)
}

// SaveActivity creates or updates an activity of the action plan (dates,
// budget, title; experts go through AssignExpert). Once implementation
// has begun, changes of dates or budget go through Adjust.
func (s *Service) SaveActivity(ctx context.Context, a access.Actor, requestID string, act Activity) (Activity, error) {
	return s.saveActivity(ctx, a, requestID, act)
}

// AssignExpert assigns an expert to an activity: refused, naming field
// "expert_id", when the expert is inactive, not available over the whole
// activity, already assigned elsewhere on overlapping days, or has a
// conflict of interest with the requesting member state or institution.
func (s *Service) AssignExpert(ctx context.Context, a access.Actor, requestID, activityID, expertID string) (Activity, error) {
	return s.assignExpert(ctx, a, requestID, activityID, expertID)
}

// UnassignExpert takes an expert off an activity.
func (s *Service) UnassignExpert(ctx context.Context, a access.Actor, requestID, activityID, expertID string) (Activity, error) {
	return s.unassignExpert(ctx, a, requestID, activityID, expertID)
}

// --- implementation ---

// Deliver records an activity delivered, with people trained and results.
func (s *Service) Deliver(ctx context.Context, a access.Actor, requestID, activityID, on string, peopleTrained int, results string) (Activity, error) {
	return s.deliver(ctx, a, requestID, activityID, on, peopleTrained, results)
}

// AddMonitoring records a monitoring entry.
func (s *Service) AddMonitoring(ctx context.Context, a access.Actor, requestID string, m Monitoring) (Monitoring, error) {
	return s.addMonitoring(ctx, a, requestID, m)
}

// Adjust changes an activity of the plan with a reason. The member's
// government contact may ask (Source ByMember) as well as the secretariat.
func (s *Service) Adjust(ctx context.Context, a access.Actor, requestID string, adj Adjustment) (Adjustment, error) {
	return s.adjust(ctx, a, requestID, adj)
}

// --- missions and follow-up ---

// SaveMission creates or updates a mission of the request (experts are
// checked as AssignExpert does, over the mission's days).
func (s *Service) SaveMission(ctx context.Context, a access.Actor, requestID string, m Mission) (Mission, error) {
	return s.saveMission(ctx, a, requestID, m)
}

// SetEvaluation records the external evaluation.
func (s *Service) SetEvaluation(ctx context.Context, a access.Actor, requestID string, e Evaluation) (Evaluation, error) {
	return s.setEvaluation(ctx, a, requestID, e)
}

// --- experts ---

// SaveExpert creates or updates a roster entry.
func (s *Service) SaveExpert(ctx context.Context, a access.Actor, e Expert) (Expert, error) {
	return s.saveExpert(ctx, a, e)
}

// Expert returns one roster entry.
func (s *Service) Expert(ctx context.Context, a access.Actor, id string) (Expert, error) {
	return s.expert(ctx, a, id)
}

// ExpertFilter selects roster entries.
type ExpertFilter struct {
	Query     string // in name, institution
	Field     Topic
	Language  string
	Available Period // free over the whole period (From and To both set)
	Country   string // without a conflict with this member state
}

// Experts lists the roster.
func (s *Service) Experts(ctx context.Context, a access.Actor, f ExpertFilter) ([]Expert, error) {
	return s.experts(ctx, a, f)
}

// --- board, reminders, report ---
//
// DueReminders and ReminderText (overdue.go) give the reminder job the
// overdue steps and the text of its e-mail.

// Board returns the secretariat's board.
func (s *Service) Board(ctx context.Context, a access.Actor, f Filter) (Board, error) {
	return s.board(ctx, a, f)
}

// WriteBoardCSV writes the board's requests (all pages) as CSV.
func (s *Service) WriteBoardCSV(ctx context.Context, a access.Actor, f Filter, w io.Writer) error {
	return s.writeBoardCSV(ctx, a, f, w)
}

// Overdue returns the steps past due at now, most overdue first.
func (s *Service) Overdue(ctx context.Context, a access.Actor) ([]Overdue, error) {
	return s.overdue(ctx, a)
}

// Report counts the annual report of year from the data.
func (s *Service) Report(ctx context.Context, a access.Actor, year int) (AnnualReport, error) {
	return s.report(ctx, a, year)
}
