package assistance

import (
	"slices"
	"testing"
)

// TestAssignExpert refuses each kind of unfit expert with its own code on
// "expert_id", and assigns a fit one.
func TestAssignExpert(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		// The activity of the request runs 5 to 9 April 2027; the
		// request is Mexico's, filed by the ministry org-mx-min.
		r := f.in(t, mxGov, "MX", Design)
		f.ready(t, r.ID)
		act := f.details(t, r.ID).Activities[0]
		// other is another request's activity, 8 to 10 April.
		other := f.in(t, crGov, "CR", Design)
		otherAct, err := f.s.SaveActivity(ctx, sec, other.ID, Activity{Title: "Otro", Kind: Training, Start: "2027-04-08", End: "2027-04-10"})
		must(t, "SaveActivity", err)
		adjacent, err := f.s.SaveActivity(ctx, sec, other.ID, Activity{Title: "Después", Kind: Training, Start: "2027-04-10", End: "2027-04-12"})
		must(t, "SaveActivity", err)

		period := func(from, to string) Period { return Period{From: from, To: to} }
		tests := []struct {
			name   string
			expert func(*Expert)
			before func(t *testing.T, e Expert) // sets up the rest of the case
			code   string                       // "" for assigned
		}{
			{"fit", nil, nil, ""},
			{"inactive", func(e *Expert) { e.Active = false }, nil, "assistance.expert.inactive"},
			{"available part of the time", func(e *Expert) { e.Available = []Period{period("2027-04-01", "2027-04-07")} }, nil, "assistance.expert.unavailable"},
			{"available from the second day", func(e *Expert) { e.Available = []Period{period("2027-04-06", "2027-05-01")} }, nil, "assistance.expert.unavailable"},
			{"available in two periods that meet", func(e *Expert) {
				e.Available = []Period{period("2027-04-07", "2027-04-30"), period("2027-04-01", "2027-04-06")}
			}, nil, ""},
			{"available in two periods with a gap", func(e *Expert) {
				e.Available = []Period{period("2027-04-01", "2027-04-05"), period("2027-04-07", "2027-04-30")}
			}, nil, "assistance.expert.unavailable"},
			{"never available", func(e *Expert) { e.Available = nil }, nil, "assistance.expert.unavailable"},
			{"conflict with the member state", func(e *Expert) { e.Conflicts = []string{"mx"} }, nil, "assistance.expert.conflict_country"},
			{"conflict with the requesting institution", func(e *Expert) { e.Conflicts = []string{"org-mx-min"} }, nil, "assistance.expert.conflict_org"},
			{"conflict with another member", func(e *Expert) { e.Conflicts = []string{"CR", "org-cr-min"} }, nil, ""},
			{"busy on an overlapping activity", nil, func(t *testing.T, e Expert) {
				_, err := f.s.AssignExpert(ctx, sec, other.ID, otherAct.ID, e.ID)
				must(t, "AssignExpert elsewhere", err)
			}, "assistance.expert.busy"},
			{"on an activity the next day", nil, func(t *testing.T, e Expert) {
				_, err := f.s.AssignExpert(ctx, sec, other.ID, adjacent.ID, e.ID)
				must(t, "AssignExpert elsewhere", err)
			}, ""},
			{"busy on an overlapping mission", nil, func(t *testing.T, e Expert) {
				_, err := f.s.SaveMission(ctx, sec, other.ID, Mission{Kind: ExpertCommission, Start: "2027-04-09", End: "2027-04-09",
					ExpertIDs: []string{e.ID}})
				must(t, "SaveMission", err)
			}, "assistance.expert.busy"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e := f.expert(t, tc.expert)
				if tc.before != nil {
					tc.before(t, e)
				}
				got, err := f.s.AssignExpert(ctx, sec, r.ID, act.ID, e.ID)
				if tc.code != "" {
					wantInvalid(t, err, "expert_id", tc.code)
					if slices.Contains(f.details(t, r.ID).Activities[0].ExpertIDs, e.ID) {
						t.Error("refused expert assigned")
					}
					return
				}
				must(t, "AssignExpert", err)
				if !slices.Contains(got.ExpertIDs, e.ID) || !slices.Contains(f.details(t, r.ID).Activities[0].ExpertIDs, e.ID) {
					t.Errorf("expert not on the activity: %v", got.ExpertIDs)
				}
				_, err = f.s.AssignExpert(ctx, sec, r.ID, act.ID, e.ID)
				wantInvalid(t, err, "expert_id", "assistance.expert.assigned")
				got, err = f.s.UnassignExpert(ctx, sec, r.ID, act.ID, e.ID)
				must(t, "UnassignExpert", err)
				if slices.Contains(got.ExpertIDs, e.ID) {
					t.Error("expert still assigned")
				}
			})
		}
		_, err = f.s.AssignExpert(ctx, sec, r.ID, act.ID, "no-such-expert")
		wantInvalid(t, err, "expert_id", "assistance.expert.unknown")
	})
}

// TestMissionExperts checks a mission's experts over its days.
func TestMissionExperts(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		r := f.in(t, mxGov, "MX", Implementation)
		act := f.details(t, r.ID).Activities[0] // 5 to 9 April
		busy := f.expert(t, nil)
		_, err := f.s.AssignExpert(ctx, sec, r.ID, act.ID, busy.ID)
		must(t, "AssignExpert", err)
		conflicted := f.expert(t, func(e *Expert) { e.Conflicts = []string{"MX"} })
		free := f.expert(t, nil)

		_, err = f.s.SaveMission(ctx, sec, r.ID, Mission{Kind: NeedsAssessmentMission, Start: "2027-04-09", End: "2027-04-11",
			ExpertIDs: []string{free.ID, busy.ID}})
		wantInvalid(t, err, "missions.expert_ids[1]", "assistance.expert.busy")
		_, err = f.s.SaveMission(ctx, sec, r.ID, Mission{Kind: NeedsAssessmentMission, Start: "2027-04-10", End: "2027-04-11",
			ExpertIDs: []string{conflicted.ID}})
		wantInvalid(t, err, "missions.expert_ids[0]", "assistance.expert.conflict_country")
		_, err = f.s.SaveMission(ctx, sec, r.ID, Mission{Kind: "holiday", Start: "2027-04-11", End: "2027-04-10"})
		wantInvalid(t, err, "missions.kind", "assistance.kind")
		wantInvalid(t, err, "missions.end", "assistance.date_order")

		m, err := f.s.SaveMission(ctx, sec, r.ID, Mission{Kind: NeedsAssessmentMission, Start: "2027-04-10", End: "2027-04-11",
			Places: "CDMX", ExpertIDs: []string{free.ID, busy.ID}, Staff: []string{"u-sec"}})
		must(t, "SaveMission", err)
		// Saving the mission again does not find it busy with itself.
		m.Report = "Found what we expected."
		m, err = f.s.SaveMission(ctx, sec, r.ID, m)
		must(t, "SaveMission again", err)
		d := f.details(t, r.ID)
		if len(d.Missions) != 1 || d.Missions[0].Report != m.Report || len(d.Missions[0].ExpertIDs) != 2 {
			t.Errorf("missions %+v", d.Missions)
		}
		if n := f.count(t, "assistance_missions", "request_id = $1", r.ID); n != 1 {
			t.Errorf("%d missions stored", n)
		}
	})
}

// TestRoster checks roster entries and filters the roster.
func TestRoster(t *testing.T) {
	each(t, func(t *testing.T, f *fx) {
		tests := []struct {
			name  string
			e     Expert
			field string
			code  string
		}{
			{"no kind", Expert{Name: "A"}, "kind", "assistance.kind"},
			{"no name", Expert{Kind: Individual}, "name", "assistance.required"},
			{"bad e-mail", Expert{Kind: Individual, Name: "A", Email: "a@"}, "email", "assistance.email"},
			{"bad sector", Expert{Kind: Individual, Name: "A", Sector: "church"}, "sector", "assistance.sector"},
			{"bad field", Expert{Kind: Individual, Name: "A", Fields: []Topic{"magic"}}, "fields[0]", "assistance.topic"},
			{"bad language", Expert{Kind: Individual, Name: "A", Languages: []string{"es", "de"}}, "languages[1]", "assistance.language"},
			{"period backwards", Expert{Kind: Individual, Name: "A", Available: []Period{{From: "2027-05-01", To: "2027-04-01"}}}, "available[0].to", "assistance.date_order"},
			{"period not a date", Expert{Kind: Individual, Name: "A", Available: []Period{{From: "2027-02-30", To: "2027-04-01"}}}, "available[0].from", "assistance.date"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.s.SaveExpert(ctx, sec, tc.e)
				wantInvalid(t, err, tc.field, tc.code)
			})
		}
		ana := f.expert(t, func(e *Expert) {
			e.Name, e.Institution, e.Fields, e.Languages = "Ana Forense", "Universidad de Chile", []Topic{Forensics}, []string{"es"}
			e.Conflicts = []string{"CL"}
			e.Available = []Period{{From: "2027-01-01", To: "2027-06-30"}}
		})
		bob := f.expert(t, func(e *Expert) {
			e.Kind, e.Name, e.Institution, e.Fields, e.Languages = PartnerInstitutionKind, "SecureCo", "SecureCo", []Topic{IncidentResponse}, []string{"en", "pt"}
			e.Available = []Period{{From: "2027-06-01", To: "2027-12-31"}}
		})
		names := func(fl ExpertFilter) []string {
			t.Helper()
			got, err := f.s.Experts(ctx, sec, fl)
			must(t, "Experts", err)
			var out []string
			for _, e := range got {
				out = append(out, e.Name)
			}
			return out
		}
		filters := []struct {
			name string
			fl   ExpertFilter
			want []string
		}{
			{"all", ExpertFilter{}, []string{"Ana Forense", "SecureCo"}},
			{"query institution", ExpertFilter{Query: "chile"}, []string{"Ana Forense"}},
			{"field", ExpertFilter{Field: IncidentResponse}, []string{"SecureCo"}},
			{"language", ExpertFilter{Language: "PT"}, []string{"SecureCo"}},
			{"available", ExpertFilter{Available: Period{From: "2027-06-15", To: "2027-06-30"}}, []string{"Ana Forense", "SecureCo"}},
			{"available late", ExpertFilter{Available: Period{From: "2027-06-15", To: "2027-07-30"}}, []string{"SecureCo"}},
			{"no conflict with CL", ExpertFilter{Country: "cl"}, []string{"SecureCo"}},
		}
		for _, tc := range filters {
			t.Run(tc.name, func(t *testing.T) {
				if got := names(tc.fl); !slices.Equal(got, tc.want) {
					t.Errorf("names = %v, want %v", got, tc.want)
				}
			})
		}
		_, err := f.s.Experts(ctx, sec, ExpertFilter{Available: Period{From: "2027-06-15"}})
		wantInvalid(t, err, "available.to", "assistance.required")

		ana.Email = "ana@uchile.example"
		got, err := f.s.SaveExpert(ctx, sec, ana)
		must(t, "SaveExpert update", err)
		if got.Version != ana.Version+1 {
			t.Errorf("version %d after update of %d", got.Version, ana.Version)
		}
		_, err = f.s.SaveExpert(ctx, sec, ana)
		wantIs(t, err, ErrConflict)
		back, err := f.s.Expert(ctx, sec, ana.ID)
		must(t, "Expert", err)
		if back.Email != ana.Email || !slices.Equal(back.Conflicts, []string{"CL"}) || back.Kind != Individual {
			t.Errorf("stored %+v", back)
		}
		_ = bob
	})
}
