package assistance

import "time"

// State is where a request stands in the program's five steps.
type State string

// The states of a request. Draft is the requester's own until submitted;
// the five steps of the program are Submitted (the request), Consideration,
// Design, Implementation and FollowUp; Closed, Declined and Withdrawn end it.
const (
	Draft              State = "draft"
	Submitted          State = "submitted"
	UnderConsideration State = "consideration"
	Design             State = "design"
	Implementation     State = "implementation"
	FollowUp           State = "follow_up"
	Closed             State = "closed"
	Declined           State = "declined"
	Withdrawn          State = "withdrawn"
)

// States lists every state in workflow order (the board's columns).
var States = []State{Draft, Submitted, UnderConsideration, Design, Implementation, FollowUp, Closed, Declined, Withdrawn}

// SupportKind is one kind of support a member may request.
type SupportKind string

// The kinds of support of the request form.
const (
	NeedsAssessment   SupportKind = "needs_assessment"
	Expertise         SupportKind = "expertise"          // provision of expertise in a specific area
	CSIRTDevelopment  SupportKind = "csirt_development"  // development or modernization of a CSIRT
	NationalStrategy  SupportKind = "national_strategy"  // development of a national cyber security strategy
	EGovernment       SupportKind = "e_government"       // cyber security and e-government
	CrisisExercise    SupportKind = "crisis_exercise"    // crisis management exercise
	AwarenessCampaign SupportKind = "awareness_campaign" // public awareness campaign
	Training          SupportKind = "training"
	OtherSupport      SupportKind = "other"
)

// SupportKinds lists every kind in the order of the form.
var SupportKinds = []SupportKind{NeedsAssessment, Expertise, CSIRTDevelopment, NationalStrategy, EGovernment,
	CrisisExercise, AwarenessCampaign, Training, OtherSupport}

// Topic is a subject the support is about.
type Topic string

// The topics of the request form.
const (
	CriticalInfrastructure Topic = "critical_infrastructure"
	InfoSecManagement      Topic = "infosec_management"
	Investigation          Topic = "investigation"
	Forensics              Topic = "forensics"
	IncidentResponse       Topic = "incident_response"
	CSIRTManagement        Topic = "csirt_management"
	OtherTopic             Topic = "other"
)

// Topics lists every topic in the order of the form.
var Topics = []Topic{CriticalInfrastructure, InfoSecManagement, Investigation, Forensics, IncidentResponse,
	CSIRTManagement, OtherTopic}

// Sector is a part of society: of national partners, of the participants
// of a situational analysis, of an expert's institution.
type Sector string

// The sectors.
const (
	Government    Sector = "government"
	PrivateSector Sector = "private"
	CivilSociety  Sector = "civil_society"
	Academia      Sector = "academia"
	International Sector = "international" // international organisations, other states
)

// Sectors lists every sector.
var Sectors = []Sector{Government, PrivateSector, CivilSociety, Academia, International}

// Institution is the requesting member state's institution.
type Institution struct {
	Name          string `json:"name"`
	Department    string `json:"department"` // department or area
	ContactPerson string `json:"contact_person"`
	Email         string `json:"email"`
	Phone         string `json:"phone"`
}

// Support is one kind of support requested, with its priority (1 = most
// important; each priority at most once in a request) and details.
type Support struct {
	Kind     SupportKind `json:"kind"`
	Priority int         `json:"priority"`
	Details  string      `json:"details"`
}

// Partner is a national partner engaged, or to engage, in the work.
type Partner struct {
	Sector  Sector `json:"sector"`
	Name    string `json:"name"`
	Engaged bool   `json:"engaged"` // false: to engage
}

// Form is what the requester fills in. A draft may be incomplete; Submit
// checks it whole.
type Form struct {
	Country          string      `json:"country"` // ISO 3166-1 alpha-2 of the requesting member state
	Institution      Institution `json:"institution"`
	Need             string      `json:"need"` // description of the need
	Support          []Support   `json:"support"`
	Topics           []Topic     `json:"topics"`
	TopicOther       string      `json:"topic_other"` // required when Topics holds OtherTopic
	Beneficiaries    string      `json:"beneficiaries"`
	Partners         []Partner   `json:"partners"`
	Timeframe        string      `json:"timeframe"` // a quarter "2027-Q1", or a range "2027-Q1/2027-Q3"
	Resources        string      `json:"resources"` // available in the institution
	DonorsApproached string      `json:"donors_approached"`
}

// Money is an amount in a currency: Amount is in minor units (cents), so
// sums are exact; Currency is ISO 4217 ("USD").
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// Consideration is what the secretariat decides in the second step.
type Consideration struct {
	Staff     []string `json:"staff"`     // user ids of the secretariat officers in charge
	WorkPlan  string   `json:"work_plan"` // the work plan, free text
	Financial Money    `json:"financial"` // the program's own money for the request
	InKind    string   `json:"in_kind"`   // in-kind resources
	Budget    Money    `json:"budget"`    // the estimated cost; Budget - Financial - pledges is the shortfall
}

// Request is one technical-assistance request.
type Request struct {
	ID     string `json:"id"`
	Number string `json:"number"` // "TA-2026-0007": year of creation and a sequence
	Form
	State         State         `json:"state"`
	StateSince    time.Time     `json:"state_since"` // when it entered State
	Consideration Consideration `json:"consideration"`
	CreatedBy     string        `json:"created_by"`     // user id of who opened the draft
	CreatedByOrg  string        `json:"created_by_org"` // that person's organisation
	CreatedAt     time.Time     `json:"created_at"`
	SubmittedAt   time.Time     `json:"submitted_at"` // zero while a draft
	UpdatedAt     time.Time     `json:"updated_at"`
	Version       int64         `json:"version"` // optimistic lock: changes give the version they read
}

// Transition is one move of the workflow, with who, when and why.
type Transition struct {
	ID        string    `json:"id"`
	RequestID string    `json:"request_id"`
	From      State     `json:"from"`
	To        State     `json:"to"`
	ByUserID  string    `json:"by_user_id"`
	ByName    string    `json:"by_name"`
	At        time.Time `json:"at"`
	Reason    string    `json:"reason"`
}

// Attachment is a file attached to a request (its content is read with
// Attachment, not listed).
type Attachment struct {
	ID          string    `json:"id"`
	RequestID   string    `json:"request_id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"` // hex
	ByUserID    string    `json:"by_user_id"`
	At          time.Time `json:"at"`
}

// ProposalStatus is where a funding proposal to a donor stands.
type ProposalStatus string

// The statuses of a funding proposal.
const (
	ProposalDrafted  ProposalStatus = "drafted"
	ProposalSent     ProposalStatus = "sent"
	ProposalPledged  ProposalStatus = "pledged"
	ProposalDeclined ProposalStatus = "declined"
	ProposalReceived ProposalStatus = "received"
)

// ProposalStatuses lists every status in order.
var ProposalStatuses = []ProposalStatus{ProposalDrafted, ProposalSent, ProposalPledged, ProposalDeclined, ProposalReceived}

// Proposal is a funding proposal to one donor.
type Proposal struct {
	ID         string         `json:"id"`
	RequestID  string         `json:"request_id"`
	DonorOrgID string         `json:"donor_org_id"` // a directory organisation of kind donor, or ""
	Donor      string         `json:"donor"`        // the donor's name (the organisation's, when DonorOrgID is set)
	Status     ProposalStatus `json:"status"`
	Requested  Money          `json:"requested"`
	Pledged    Money          `json:"pledged"`  // set from pledged on
	Received   Money          `json:"received"` // set when received
	Note       string         `json:"note"`
	UpdatedAt  time.Time      `json:"updated_at"`
	Version    int64          `json:"version"`
}

// AnalysisKind is one way of the situational analysis.
type AnalysisKind string

// The kinds of situational analysis.
const (
	SiteVisit    AnalysisKind = "site_visit"
	Roundtable   AnalysisKind = "roundtable"
	WorkingGroup AnalysisKind = "working_group"
	Survey       AnalysisKind = "survey"
)

// AnalysisKinds lists every kind.
var AnalysisKinds = []AnalysisKind{SiteVisit, Roundtable, WorkingGroup, Survey}

// Analysis is one piece of the situational analysis of the design step.
type Analysis struct {
	ID           string         `json:"id"`
	RequestID    string         `json:"request_id"`
	Kind         AnalysisKind   `json:"kind"`
	Title        string         `json:"title"`
	Date         string         `json:"date"` // YYYY-MM-DD
	Place        string         `json:"place"`
	Participants map[Sector]int `json:"participants"` // people by sector
	Findings     string         `json:"findings"`
}

// ActivityState is where an activity of the action plan stands.
type ActivityState string

// The states of an activity.
const (
	Planned   ActivityState = "planned"
	Delivered ActivityState = "delivered"
	Cancelled ActivityState = "cancelled"
)

// Activity is one activity of the action plan.
type Activity struct {
	ID            string        `json:"id"`
	RequestID     string        `json:"request_id"`
	Title         string        `json:"title"`
	Kind          SupportKind   `json:"kind"`
	Start         string        `json:"start"` // YYYY-MM-DD
	End           string        `json:"end"`   // YYYY-MM-DD, not before Start
	Budget        Money         `json:"budget"`
	ExpertIDs     []string      `json:"expert_ids"` // assigned with AssignExpert, which checks
	State         ActivityState `json:"state"`
	DeliveredOn   string        `json:"delivered_on"`   // YYYY-MM-DD once delivered
	PeopleTrained int           `json:"people_trained"` // once delivered
	Results       string        `json:"results"`        // once delivered
	Version       int64         `json:"version"`
}

// Monitoring is one monitoring entry of the implementation step.
type Monitoring struct {
	ID        string    `json:"id"`
	RequestID string    `json:"request_id"`
	Date      string    `json:"date"` // YYYY-MM-DD
	Note      string    `json:"note"`
	ByUserID  string    `json:"by_user_id"`
	At        time.Time `json:"at"`
}

// AdjustmentSource says who asked for an adjustment of the plan.
type AdjustmentSource string

// Where adjustments come from.
const (
	ByMember     AdjustmentSource = "member"
	ByMonitoring AdjustmentSource = "monitoring"
)

// Adjustment changes one activity of the plan, with a reason: new dates,
// a new budget, or its cancellation. Zero fields change nothing.
type Adjustment struct {
	ID         string           `json:"id"`
	RequestID  string           `json:"request_id"`
	ActivityID string           `json:"activity_id"`
	Source     AdjustmentSource `json:"source"`
	Reason     string           `json:"reason"` // required
	NewStart   string           `json:"new_start"`
	NewEnd     string           `json:"new_end"`
	NewBudget  *Money           `json:"new_budget,omitempty"`
	Cancel     bool             `json:"cancel"`
	ByUserID   string           `json:"by_user_id"`
	At         time.Time        `json:"at"`
}

// MissionKind is one kind of technical assistance mission.
type MissionKind string

// The kinds of mission.
const (
	NeedsAssessmentMission MissionKind = "needs_assessment"
	ExpertCommission       MissionKind = "expert_commission"
	EmergencyResponse      MissionKind = "emergency_response" // incident-response deployment
	FollowUpMission        MissionKind = "follow_up"
)

// MissionKinds lists every kind.
var MissionKinds = []MissionKind{NeedsAssessmentMission, ExpertCommission, EmergencyResponse, FollowUpMission}

// Mission is a technical assistance mission of a request.
type Mission struct {
	ID        string      `json:"id"`
	RequestID string      `json:"request_id"`
	Kind      MissionKind `json:"kind"`
	Start     string      `json:"start"` // YYYY-MM-DD
	End       string      `json:"end"`
	Places    string      `json:"places"`
	ExpertIDs []string    `json:"expert_ids"` // checked as for activities
	Staff     []string    `json:"staff"`      // secretariat user ids
	Report    string      `json:"report"`     // what the mission found or did
}

// Evaluation is the external evaluation of the follow-up step.
type Evaluation struct {
	RequestID  string    `json:"request_id"`
	Evaluator  string    `json:"evaluator"` // person or institution
	Date       string    `json:"date"`      // YYYY-MM-DD
	Results    string    `json:"results"`
	Challenges []string  `json:"challenges"` // open challenges, one each
	At         time.Time `json:"at"`
}

// ExpertKind tells a person from a partner institution in the roster.
type ExpertKind string

// The kinds of roster entry.
const (
	Individual             ExpertKind = "individual"
	PartnerInstitutionKind ExpertKind = "institution"
)

// Period is a span of days, both ends included (YYYY-MM-DD).
type Period struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Expert is one entry of the roster: an expert or a partner institution.
type Expert struct {
	ID          string     `json:"id"`
	Kind        ExpertKind `json:"kind"`
	Name        string     `json:"name"`
	Email       string     `json:"email"`
	Institution string     `json:"institution"` // for a person: where they work
	Sector      Sector     `json:"sector"`      // private, academia, civil_society (non-profit) ...
	Fields      []Topic    `json:"fields"`
	Languages   []string   `json:"languages"` // "en", "es", "pt", "fr"
	Available   []Period   `json:"available"` // when they can be assigned; none: never
	// Conflicts are member states (alpha-2) or organisations (directory
	// ids) the expert must not work for, with the reason in ConflictNote.
	Conflicts    []string `json:"conflicts"`
	ConflictNote string   `json:"conflict_note"`
	Active       bool     `json:"active"`
	Version      int64    `json:"version"`
}

// Details is a request with everything recorded about it, as its page
// and the API show it.
type Details struct {
	Request     Request      `json:"request"`
	Transitions []Transition `json:"transitions"` // oldest first
	Attachments []Attachment `json:"attachments"`
	Proposals   []Proposal   `json:"proposals"`
	Analyses    []Analysis   `json:"analyses"`
	Activities  []Activity   `json:"activities"`
	Monitoring  []Monitoring `json:"monitoring"`
	Adjustments []Adjustment `json:"adjustments"`
	Missions    []Mission    `json:"missions"`
	Evaluation  *Evaluation  `json:"evaluation,omitempty"`
	// Next are the states the actor may move the request to now, each
	// with the reason it would be refused ("" when the guard holds).
	Next []Move `json:"next"`
}

// Move is a transition the actor could ask for.
type Move struct {
	To      State  `json:"to"`
	Blocked string `json:"blocked"` // catalog code of the unmet guard, "" when allowed
}

// TimelineEntry is one dated thing that happened to a request. Event,
// From, To and Subject say what, for a page to word in its reader's
// language; Title says it in English, as the API always has.
type TimelineEntry struct {
	At    time.Time `json:"at"`
	Kind  string    `json:"kind"`           // "transition", "proposal", "analysis", "activity", "monitoring", "adjustment", "mission", "evaluation", "attachment"
	Event string    `json:"event"`          // one of TimelineEvents: "transition", "proposal.pledged", "mission.follow_up" ...
	State State     `json:"state"`          // the request's state at the time
	From  State     `json:"from,omitempty"` // of a transition; "" for the opening one
	To    State     `json:"to,omitempty"`   // of a transition
	// Subject is what the entry is about in the users' own words, shown
	// as it is: an activity's title, a donor, a mission's places, a file's
	// name, a move's reason.
	Subject string `json:"subject"`
	Title   string `json:"title"` // in English: "draft → submitted", "Course (delivered)"
	ByName  string `json:"by_name"`
}

// Filter selects requests for lists and the board.
type Filter struct {
	Country string  // alpha-2, "" for all the actor may see
	States  []State // none: all
	Query   string  // in number, institution, need
	Year    int     // created in that year; 0: any
	Overdue bool    // only those with an overdue step
	After   string  // cursor: the Number of the last request of the previous page
	Limit   int     // 0: 50; at most 500
}

// Summary is one request on a list or the board.
type Summary struct {
	ID          string        `json:"id"`
	Number      string        `json:"number"`
	Country     string        `json:"country"`
	Institution string        `json:"institution"`
	State       State         `json:"state"`
	StateSince  time.Time     `json:"state_since"`
	Support     []SupportKind `json:"support"` // by priority
	UpdatedAt   time.Time     `json:"updated_at"`
	// Due is when the current step is overdue (zero for ended requests
	// and drafts); Overdue is true once it has passed.
	Due     time.Time `json:"due"`
	Overdue bool      `json:"overdue"`
}

// Board is the secretariat's view: requests counted by state and by
// country, and the list itself.
type Board struct {
	ByState   map[State]int            `json:"by_state"`
	ByCountry map[string]map[State]int `json:"by_country"`
	Requests  []Summary                `json:"requests"`
	Next      string                   `json:"next"` // cursor of the next page, "" at the end
}

// Overdue is a step that has taken longer than the program allows.
type Overdue struct {
	Summary
	Days int `json:"days"` // days past due
}

// AnnualReport is the year's report to the Global Forum on Cyber
// Expertise: every number is counted from the data.
type AnnualReport struct {
	Year      int             `json:"year"`
	Generated time.Time       `json:"generated"`
	Countries []CountryReport `json:"countries"` // by country code
	Totals    ReportTotals    `json:"totals"`
}

// CountryReport is one member state's part of the annual report.
type CountryReport struct {
	Country             string        `json:"country"`              // alpha-2
	RequestsReceived    int           `json:"requests_received"`    // submitted in the year
	Requests            []Summary     `json:"requests"`             // those, and any active in the year
	ActivitiesDelivered int           `json:"activities_delivered"` // delivered in the year
	PeopleTrained       int           `json:"people_trained"`       // by activities delivered in the year
	Results             []string      `json:"results"`              // of activities delivered and evaluations in the year
	Challenges          []string      `json:"challenges"`           // open challenges of the latest evaluations
	Funding             []DonorAmount `json:"funding"`              // by donor and currency, pledged and received in the year
}

// DonorAmount is what one donor pledged and gave, in one currency.
type DonorAmount struct {
	Donor    string `json:"donor"`
	Currency string `json:"currency"`
	Pledged  int64  `json:"pledged"`  // minor units
	Received int64  `json:"received"` // minor units
}

// ReportTotals sums the countries.
type ReportTotals struct {
	RequestsReceived    int           `json:"requests_received"`
	ActivitiesDelivered int           `json:"activities_delivered"`
	PeopleTrained       int           `json:"people_trained"`
	Funding             []DonorAmount `json:"funding"` // by donor and currency over all countries
}
