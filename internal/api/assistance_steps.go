package api

import (
	"net/http"

	"atalaya/internal/assistance"
)

// The steps of a request after it is submitted: consideration and the
// funding proposals, the situational analysis and the action plan, its
// delivery with monitoring and adjustments, missions and the external
// evaluation. Each body holds only what a client may set; ids, request ids
// and who-and-when come from the path and the service.

// considerationInput is the body of the consideration step.
type considerationInput struct {
	assistance.Consideration
	Version *int64 `json:"version"`
}

// setConsideration records the staff, work plan and resources.
func (a *API) setConsideration(w http.ResponseWriter, r *http.Request, c caller) error {
	var in considerationInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := versionOf(in.Version)
	if err != nil {
		return err
	}
	req, err := a.assistance.SetConsideration(r.Context(), c.actor, r.PathValue("id"), v, in.Consideration)
	if err != nil {
		return bodyFields(err, "consideration")
	}
	return a.writeJSON(w, r, http.StatusOK, req)
}

// changedVersion is the version a replacement gives (required) or a
// creation (none: 0).
func changedVersion(id string, v *int64) (int64, error) {
	if id == "" {
		return 0, nil
	}
	return versionOf(v)
}

// proposalInput is a funding proposal to one donor.
type proposalInput struct {
	DonorOrgID string                    `json:"donor_org_id"`
	Donor      string                    `json:"donor"`
	Status     assistance.ProposalStatus `json:"status"`
	Requested  assistance.Money          `json:"requested"`
	Pledged    assistance.Money          `json:"pledged"`
	Received   assistance.Money          `json:"received"`
	Note       string                    `json:"note"`
	Version    *int64                    `json:"version"` // of the proposal changed; none for a new one
}

// saveProposal creates (id "") or replaces a funding proposal.
func (a *API) saveProposal(w http.ResponseWriter, r *http.Request, c caller, id string, status int) error {
	var in proposalInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := changedVersion(id, in.Version)
	if err != nil {
		return err
	}
	rid := r.PathValue("id")
	p, err := a.assistance.SaveProposal(r.Context(), c.actor, rid, assistance.Proposal{ID: id, RequestID: rid,
		DonorOrgID: in.DonorOrgID, Donor: in.Donor, Status: in.Status, Requested: in.Requested, Pledged: in.Pledged,
		Received: in.Received, Note: in.Note, Version: v})
	if err != nil {
		return bodyFields(err, "proposals")
	}
	return a.writeJSON(w, r, status, p)
}

func (a *API) createProposal(w http.ResponseWriter, r *http.Request, c caller) error {
	return a.saveProposal(w, r, c, "", http.StatusCreated)
}

func (a *API) updateProposal(w http.ResponseWriter, r *http.Request, c caller) error {
	return a.saveProposal(w, r, c, r.PathValue("proposal_id"), http.StatusOK)
}

// analysisInput is one piece of the situational analysis.
type analysisInput struct {
	Kind         assistance.AnalysisKind   `json:"kind"`
	Title        string                    `json:"title"`
	Date         string                    `json:"date"`
	Place        string                    `json:"place"`
	Participants map[assistance.Sector]int `json:"participants"`
	Findings     string                    `json:"findings"`
}

// saveAnalysis creates (id "") or replaces a piece of the analysis.
func (a *API) saveAnalysis(w http.ResponseWriter, r *http.Request, c caller, id string, status int) error {
	var in analysisInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	rid := r.PathValue("id")
	an, err := a.assistance.SaveAnalysis(r.Context(), c.actor, rid, assistance.Analysis{ID: id, RequestID: rid,
		Kind: in.Kind, Title: in.Title, Date: in.Date, Place: in.Place, Participants: in.Participants, Findings: in.Findings})
	if err != nil {
		return bodyFields(err, "analyses")
	}
	return a.writeJSON(w, r, status, an)
}

func (a *API) createAnalysis(w http.ResponseWriter, r *http.Request, c caller) error {
	return a.saveAnalysis(w, r, c, "", http.StatusCreated)
}

func (a *API) updateAnalysis(w http.ResponseWriter, r *http.Request, c caller) error {
	return a.saveAnalysis(w, r, c, r.PathValue("analysis_id"), http.StatusOK)
}

// activityInput is an activity of the action plan. Its experts are
// assigned one by one (the service checks each), its delivery recorded
// with deliver.
type activityInput struct {
	Title   string                 `json:"title"`
	Kind    assistance.SupportKind `json:"kind"`
	Start   string                 `json:"start"`
	End     string                 `json:"end"`
	Budget  assistance.Money       `json:"budget"`
	Version *int64                 `json:"version"` // of the activity changed; none for a new one
}

// saveActivity creates (id "") or replaces an activity of the plan.
func (a *API) saveActivity(w http.ResponseWriter, r *http.Request, c caller, id string, status int) error {
	var in activityInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := changedVersion(id, in.Version)
	if err != nil {
		return err
	}
	rid := r.PathValue("id")
	act, err := a.assistance.SaveActivity(r.Context(), c.actor, rid, assistance.Activity{ID: id, RequestID: rid,
		Title: in.Title, Kind: in.Kind, Start: in.Start, End: in.End, Budget: in.Budget, Version: v})
	if err != nil {
		return bodyFields(err, "activities")
	}
	return a.writeJSON(w, r, status, act)
}

func (a *API) createActivity(w http.ResponseWriter, r *http.Request, c caller) error {
	return a.saveActivity(w, r, c, "", http.StatusCreated)
}

func (a *API) updateActivity(w http.ResponseWriter, r *http.Request, c caller) error {
	return a.saveActivity(w, r, c, r.PathValue("activity_id"), http.StatusOK)
}

// assignInput names the expert to assign.
type assignInput struct {
	ExpertID string `json:"expert_id"`
}

// assignExpert assigns an expert to an activity: refused on "expert_id"
// when the expert is not available or has a conflict of interest.
func (a *API) assignExpert(w http.ResponseWriter, r *http.Request, c caller) error {
	var in assignInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	act, err := a.assistance.AssignExpert(r.Context(), c.actor, r.PathValue("id"), r.PathValue("activity_id"), in.ExpertID)
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, act)
}

// unassignExpert takes an expert off an activity.
func (a *API) unassignExpert(w http.ResponseWriter, r *http.Request, c caller) error {
	act, err := a.assistance.UnassignExpert(r.Context(), c.actor, r.PathValue("id"), r.PathValue("activity_id"),
		r.PathValue("expert_id"))
	if err != nil {
		return err
	}
	return a.writeJSON(w, r, http.StatusOK, act)
}

// deliverInput records an activity delivered.
type deliverInput struct {
	DeliveredOn   string `json:"delivered_on"`
	PeopleTrained int    `json:"people_trained"`
	Results       string `json:"results"`
}

func (a *API) deliverActivity(w http.ResponseWriter, r *http.Request, c caller) error {
	var in deliverInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	act, err := a.assistance.Deliver(r.Context(), c.actor, r.PathValue("id"), r.PathValue("activity_id"),
		in.DeliveredOn, in.PeopleTrained, in.Results)
	if err != nil {
		return bodyFields(err, "activities")
	}
	return a.writeJSON(w, r, http.StatusOK, act)
}

// monitoringInput is a monitoring entry.
type monitoringInput struct {
	Date string `json:"date"`
	Note string `json:"note"`
}

func (a *API) addMonitoring(w http.ResponseWriter, r *http.Request, c caller) error {
	var in monitoringInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	rid := r.PathValue("id")
	m, err := a.assistance.AddMonitoring(r.Context(), c.actor, rid, assistance.Monitoring{RequestID: rid,
		Date: in.Date, Note: in.Note})
	if err != nil {
		return bodyFields(err, "monitoring")
	}
	return a.writeJSON(w, r, http.StatusCreated, m)
}

// adjustmentInput changes one activity of the plan, with a reason.
type adjustmentInput struct {
	ActivityID string                      `json:"activity_id"`
	Source     assistance.AdjustmentSource `json:"source"`
	Reason     string                      `json:"reason"`
	NewStart   string                      `json:"new_start"`
	NewEnd     string                      `json:"new_end"`
	NewBudget  *assistance.Money           `json:"new_budget"`
	Cancel     bool                        `json:"cancel"`
}

func (a *API) adjustActivity(w http.ResponseWriter, r *http.Request, c caller) error {
	var in adjustmentInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	rid := r.PathValue("id")
	adj, err := a.assistance.Adjust(r.Context(), c.actor, rid, assistance.Adjustment{RequestID: rid,
		ActivityID: in.ActivityID, Source: in.Source, Reason: in.Reason, NewStart: in.NewStart, NewEnd: in.NewEnd,
		NewBudget: in.NewBudget, Cancel: in.Cancel})
	if err != nil {
		return bodyFields(err, "adjustments")
	}
	return a.writeJSON(w, r, http.StatusCreated, adj)
}

// missionInput is a mission of the request.
type missionInput struct {
	Kind      assistance.MissionKind `json:"kind"`
	Start     string                 `json:"start"`
	End       string                 `json:"end"`
	Places    string                 `json:"places"`
	ExpertIDs []string               `json:"expert_ids"`
	Staff     []string               `json:"staff"`
	Report    string                 `json:"report"`
}

// saveMission creates (id "") or replaces a mission.
func (a *API) saveMission(w http.ResponseWriter, r *http.Request, c caller, id string, status int) error {
	var in missionInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	rid := r.PathValue("id")
	m, err := a.assistance.SaveMission(r.Context(), c.actor, rid, assistance.Mission{ID: id, RequestID: rid,
		Kind: in.Kind, Start: in.Start, End: in.End, Places: in.Places, ExpertIDs: in.ExpertIDs, Staff: in.Staff,
		Report: in.Report})
	if err != nil {
		return bodyFields(err, "missions")
	}
	return a.writeJSON(w, r, status, m)
}

func (a *API) createMission(w http.ResponseWriter, r *http.Request, c caller) error {
	return a.saveMission(w, r, c, "", http.StatusCreated)
}

func (a *API) updateMission(w http.ResponseWriter, r *http.Request, c caller) error {
	return a.saveMission(w, r, c, r.PathValue("mission_id"), http.StatusOK)
}

// evaluationInput is the external evaluation.
type evaluationInput struct {
	Evaluator  string   `json:"evaluator"`
	Date       string   `json:"date"`
	Results    string   `json:"results"`
	Challenges []string `json:"challenges"`
}

// setEvaluation records (or replaces) the external evaluation.
func (a *API) setEvaluation(w http.ResponseWriter, r *http.Request, c caller) error {
	var in evaluationInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	rid := r.PathValue("id")
	ev, err := a.assistance.SetEvaluation(r.Context(), c.actor, rid, assistance.Evaluation{RequestID: rid,
		Evaluator: in.Evaluator, Date: in.Date, Results: in.Results, Challenges: in.Challenges})
	if err != nil {
		return bodyFields(err, "evaluation")
	}
	return a.writeJSON(w, r, http.StatusOK, ev)
}
